//! The gold dataset format (`shared/dataset-format.md`, version 1): its
//! records, their validation, and conversion to and from [`Document`]s.
//!
//! Owns: the contract with other tools. Exports are deterministic: documents
//! by id, entities by `(start, end, label)` numbered `T1…`, relations by
//! (head's position, tail's position, label) numbered `R1…`. Fields this
//! module does not interpret are carried through unchanged (`extra`).
//! Must not touch: files (the store reads and writes them).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::document::{DocId, Document, Status, UnknownStatus};
use super::schema::Schema;
use super::span::{
    Extra, Origin, RecognizerName, Relation, RelationEnd, RelationId, RelationSuggestion, RelationSuggestionState, Span, SpanId,
    Suggestion, SuggestionId, SuggestionState,
};
use super::text::{CharIdx, Text};

mod stream;
mod validate;
pub use stream::{Made, Seen, StreamError, document_json, make_record};
pub use validate::{validate_made_record, validate_record};

/// The `format` field's value.
pub const FORMAT: &str = "spanlab-dataset";
/// The version this module reads and writes.
pub const VERSION: u32 = 1;

/// An entity's extra field that records suggestion provenance.
const SUGGESTION_FIELD: &str = "suggestion";
/// A document's extra field that holds its free comment.
const COMMENT_FIELD: &str = "comment";

/// A whole dataset file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub format: String,
    pub version: u32,
    pub schema: DatasetSchema,
    pub documents: Vec<DocRecord>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The schema block: label names only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatasetSchema {
    pub name: String,
    pub entity_labels: Vec<String>,
    #[serde(default)]
    pub relation_labels: Vec<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// One document of a dataset.
///
/// Read through a private mirror with a string status, so that an unknown
/// status names its document: `document doc-3: status "finished" is not one
/// of new, in_progress, done, skipped` (with serde's line and column, just
/// after the document).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "DocRecordInFile")]
pub struct DocRecord {
    pub id: String,
    pub source: String,
    pub text: String,
    pub sha256: String,
    /// Written `new`, `in_progress`, `done` or `skipped`; `new` when absent.
    pub status: Status,
    pub entities: Vec<EntityRecord>,
    pub relations: Vec<RelationRecord>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A [`DocRecord`] as the file has it, before its status is read.
#[derive(Deserialize)]
struct DocRecordInFile {
    id: String,
    #[serde(default)]
    source: String,
    text: String,
    #[serde(default)]
    sha256: String,
    #[serde(default = "new_status")]
    status: String,
    #[serde(default)]
    entities: Vec<EntityRecord>,
    #[serde(default)]
    relations: Vec<RelationRecord>,
    #[serde(flatten)]
    extra: Extra,
}

fn new_status() -> String {
    Status::New.as_str().to_owned()
}

/// A dataset document whose status is unknown.
#[derive(Debug, thiserror::Error)]
#[error("document {document}: {status}")]
pub struct DocRecordError {
    /// The document's id (`(no id)` when it has none).
    pub document: String,
    /// The status it has.
    pub status: UnknownStatus,
}

impl TryFrom<DocRecordInFile> for DocRecord {
    type Error = DocRecordError;

    fn try_from(d: DocRecordInFile) -> Result<Self, DocRecordError> {
        let status = d
            .status
            .parse()
            .map_err(|status| DocRecordError { document: if d.id.is_empty() { "(no id)".to_owned() } else { d.id.clone() }, status })?;
        Ok(Self {
            id: d.id,
            source: d.source,
            text: d.text,
            sha256: d.sha256,
            status,
            entities: d.entities,
            relations: d.relations,
            extra: d.extra,
        })
    }
}

/// One entity of a dataset document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityRecord {
    pub id: String,
    pub start: i64,
    pub end: i64,
    pub label: String,
    pub text: String,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The id of a document's `n`-th entity, counting from 1: `T3`. The one
/// place entity ids are spelled.
fn entity_id(n: usize) -> String {
    format!("T{n}")
}

/// The id of a document's `n`-th relation, counting from 1: `R2`. The one
/// place relation ids are spelled.
fn relation_id(n: usize) -> String {
    format!("R{n}")
}

impl EntityRecord {
    /// The `n`-th entity of a document (id `T{n}`), its text read from
    /// `text`, with no other fields.
    pub fn new(n: usize, text: &Text, start: CharIdx, end: CharIdx, label: impl Into<String>) -> Self {
        Self {
            id: entity_id(n),
            start: start.get() as i64,
            end: end.get() as i64,
            label: label.into(),
            text: text.slice(start, end).unwrap_or("").to_owned(),
            extra: Extra::new(),
        }
    }
}

/// One relation of a dataset document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelationRecord {
    pub id: String,
    pub head: String,
    pub tail: String,
    pub label: String,
    #[serde(flatten)]
    pub extra: Extra,
}

impl RelationRecord {
    /// The `n`-th relation of a document (id `R{n}`), from its `head`-th
    /// entity to its `tail`-th (ids `T{head}`, `T{tail}`), with no other
    /// fields: `new(2, 1, 3, "MEETS")` is `R2`, `T1` → `T3`.
    pub fn new(n: usize, head: usize, tail: usize, label: impl Into<String>) -> Self {
        Self { id: relation_id(n), head: entity_id(head), tail: entity_id(tail), label: label.into(), extra: Extra::new() }
    }
}

impl DocRecord {
    /// Puts the entities and relations in the contract's order and numbers
    /// them: entities by `(start, end, label)` as `T1…`, relations by (head's
    /// position, tail's position, label) as `R1…`, each relation's head and
    /// tail following their entity's new id. A relation naming no entity
    /// keeps that name and goes after the others (validation reports it).
    pub fn renumber(&mut self) {
        self.entities.sort_by(|a, b| (a.start, a.end, &a.label).cmp(&(b.start, b.end, &b.label)));
        let mut position: BTreeMap<String, usize> = BTreeMap::new();
        for (i, e) in self.entities.iter_mut().enumerate() {
            let old = std::mem::replace(&mut e.id, entity_id(i + 1));
            position.entry(old).or_insert(i);
        }
        let place = |id: &str| position.get(id).copied();
        let mut relations: Vec<(Option<usize>, Option<usize>, RelationRecord)> =
            std::mem::take(&mut self.relations).into_iter().map(|r| (place(&r.head), place(&r.tail), r)).collect();
        // Known positions first (`None` would sort before them).
        let order = |p: Option<usize>| p.map_or((1, 0), |p| (0, p));
        relations.sort_by(|a, b| (order(a.0), order(a.1), &a.2.label).cmp(&(order(b.0), order(b.1), &b.2.label)));
        self.relations = relations
            .into_iter()
            .enumerate()
            .map(|(i, (head, tail, r))| RelationRecord {
                id: relation_id(i + 1),
                head: head.map_or(r.head, |h| entity_id(h + 1)),
                tail: tail.map_or(r.tail, |t| entity_id(t + 1)),
                ..r
            })
            .collect();
    }
}

/// A problem found in a dataset or a document, naming where it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Problem {
    /// The document's id (or `documents[i]` when it has none).
    pub document: Option<String>,
    /// `entity T3`, `relation R2`, …
    pub item: Option<String>,
    pub message: String,
}

impl Problem {
    fn new(document: Option<&str>, item: Option<String>, message: impl Into<String>) -> Self {
        Self { document: document.map(str::to_owned), item, message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(d) = &self.document {
            write!(f, "document {d}: ")?;
        }
        if let Some(i) = &self.item {
            write!(f, "{i}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl Dataset {
    /// An empty dataset for a schema.
    pub fn empty(schema: &Schema) -> Self {
        Self {
            format: FORMAT.to_owned(),
            version: VERSION,
            schema: DatasetSchema {
                name: schema.name.clone(),
                entity_labels: schema.entity_names(),
                relation_labels: schema.relation_names(),
                extra: Extra::new(),
            },
            documents: Vec::new(),
            extra: Extra::new(),
        }
    }

    /// The schema a dataset implies: the news schema's colours and
    /// constraints for the labels it knows.
    pub fn implied_schema(&self) -> Schema {
        let ents: Vec<&str> = self.schema.entity_labels.iter().map(String::as_str).collect();
        let rels: Vec<&str> = self.schema.relation_labels.iter().map(String::as_str).collect();
        let news = Schema::news();
        if self.schema.name == news.name && ents == news.entity_names() && rels == news.relation_names() {
            return news;
        }
        Schema::from_label_names(&self.schema.name, &ents, &rels)
    }

    /// Parses a dataset's JSON text. Errors carry serde's line and column.
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The dataset as JSON: one-space indent, keys in contract order, a final
    /// newline. The same dataset always gives the same bytes.
    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        if self.write_json(&mut out).is_err() {
            return String::new();
        }
        String::from_utf8(out).unwrap_or_default()
    }

    /// [`Dataset::to_json`] written into `out` as it is made, never whole
    /// in memory (an export of 100,000 documents is 400 MB).
    pub fn write_json(&self, mut out: impl std::io::Write) -> std::io::Result<()> {
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
        let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
        self.serialize(&mut ser).map_err(std::io::Error::other)?;
        out.write_all(b"\n")
    }

    /// Every problem that makes this dataset invalid under `schema` (or, when
    /// `None`, the schema it implies), in file order.
    pub fn validate(&self, schema: Option<&Schema>) -> Vec<Problem> {
        let implied;
        let schema = match schema {
            Some(s) => s,
            None => {
                implied = self.implied_schema();
                &implied
            }
        };
        let mut problems = Vec::new();
        if self.format != FORMAT {
            problems.push(Problem::new(None, None, format!("format is {:?}, expected {FORMAT:?}", self.format)));
        }
        if self.version != VERSION {
            problems.push(Problem::new(None, None, format!("version {} is not supported (this reads version {VERSION})", self.version)));
        }
        let mut seen = BTreeMap::new();
        for (i, d) in self.documents.iter().enumerate() {
            let name = if d.id.is_empty() { format!("documents[{i}]") } else { d.id.clone() };
            if d.id.is_empty() {
                problems.push(Problem::new(Some(&name), None, "id is empty"));
            } else if let Some(first) = seen.insert(d.id.clone(), i) {
                problems.push(Problem::new(Some(&name), None, format!("duplicate document id (also documents[{first}])")));
            }
            problems.extend(validate_record(d, &name, schema));
        }
        problems
    }
}

/// Options of an export.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Only documents whose status is `done`.
    pub done_only: bool,
    /// Add pending suggestions as entities (marked `"suggestion"`).
    pub include_suggestions: bool,
}

/// What an export left out, for the report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportNotes {
    pub documents: usize,
    pub entities: usize,
    pub relations: usize,
    pub documents_left_out: usize,
    /// Pending suggestions not exported because they overlap a gold span or
    /// a better suggestion.
    pub suggestions_clashing: usize,
    /// Spans waiting for review after the text changed (not exported).
    pub orphans: usize,
}

/// The record of one document, renumbered as the contract says.
pub fn document_record(doc: &Document, include_suggestions: bool, notes: &mut ExportNotes) -> DocRecord {
    struct Item<'a> {
        start: CharIdx,
        end: CharIdx,
        label: &'a str,
        span: Option<SpanId>,
        suggestion: Option<SuggestionId>,
        extra: Extra,
    }
    let mut items: Vec<Item> = doc
        .spans()
        .iter()
        .map(|s| {
            let mut extra = s.extra.clone();
            if let Origin::Suggested { recognizer, score, edited } = &s.origin {
                extra.insert(
                    SUGGESTION_FIELD.to_owned(),
                    serde_json::json!({"recognizer": recognizer.as_str(), "score": round4(*score), "state": if *edited { "edited" } else { "accepted" }}),
                );
            }
            Item { start: s.start, end: s.end, label: &s.label, span: Some(s.id), suggestion: None, extra }
        })
        .collect();
    if include_suggestions {
        let mut pending = doc.pending_suggestions();
        pending.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.start.cmp(&b.start)));
        let mut taken: Vec<(CharIdx, CharIdx)> = Vec::new();
        for s in pending {
            let clash = doc.spans().overlapping(s.start, s.end).next().is_some() || taken.iter().any(|&(a, b)| a < s.end && s.start < b);
            if clash {
                notes.suggestions_clashing += 1;
                continue;
            }
            taken.push((s.start, s.end));
            let mut extra = Extra::new();
            extra.insert(
                SUGGESTION_FIELD.to_owned(),
                serde_json::json!({"recognizer": s.recognizer.as_str(), "score": round4(s.score), "state": "pending"}),
            );
            items.push(Item { start: s.start, end: s.end, label: &s.label, span: None, suggestion: Some(s.id), extra });
        }
    }
    items.sort_by(|a, b| (a.start, a.end, a.label).cmp(&(b.start, b.end, b.label)));
    let mut number: BTreeMap<SpanId, usize> = BTreeMap::new();
    let mut suggestion_number: BTreeMap<SuggestionId, usize> = BTreeMap::new();
    let entities: Vec<EntityRecord> = items
        .into_iter()
        .enumerate()
        .map(|(i, it)| {
            if let Some(id) = it.span {
                number.insert(id, i);
            }
            if let Some(id) = it.suggestion {
                suggestion_number.insert(id, i);
            }
            EntityRecord { extra: it.extra, ..EntityRecord::new(i + 1, doc.text(), it.start, it.end, it.label) }
        })
        .collect();
    let mut rels: Vec<(usize, usize, &str, Extra)> =
        doc.relations().filter_map(|r| Some((*number.get(&r.head)?, *number.get(&r.tail)?, r.label.as_str(), r.extra.clone()))).collect();
    if include_suggestions {
        // Pending relation suggestions whose two ends were exported.
        let end_number = |end: RelationEnd| match doc.end_span(end) {
            Some(span) => number.get(&span).copied(),
            None => match end {
                RelationEnd::Suggestion(id) => suggestion_number.get(&id).copied(),
                RelationEnd::Span(_) => None,
            },
        };
        for r in doc.pending_relation_suggestions() {
            let (Some(h), Some(t)) = (end_number(r.head), end_number(r.tail)) else {
                notes.suggestions_clashing += 1;
                continue;
            };
            let mut extra = Extra::new();
            extra.insert(
                SUGGESTION_FIELD.to_owned(),
                serde_json::json!({"recognizer": r.recognizer.as_str(), "score": round4(r.score), "state": "pending"}),
            );
            rels.push((h, t, r.label.as_str(), extra));
        }
    }
    rels.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
    rels.dedup_by(|a, b| (a.0, a.1, a.2) == (b.0, b.1, b.2));
    let relations = rels
        .into_iter()
        .enumerate()
        .map(|(i, (h, t, label, extra))| RelationRecord { extra, ..RelationRecord::new(i + 1, h + 1, t + 1, label.to_owned()) })
        .collect::<Vec<_>>();
    let mut extra = doc.extra.clone();
    if !doc.comment().is_empty() {
        extra.insert(COMMENT_FIELD.to_owned(), serde_json::Value::String(doc.comment().to_owned()));
    }
    notes.entities += entities.len();
    notes.relations += relations.len();
    notes.orphans += doc.orphans.len();
    DocRecord {
        id: doc.id.0.clone(),
        source: doc.source.clone(),
        text: doc.text().as_str().to_owned(),
        sha256: doc.sha256().to_owned(),
        status: doc.status(),
        entities,
        relations,
        extra,
    }
}

/// Scores are written with four decimals so files stay stable and readable.
fn round4(x: f32) -> f64 {
    (f64::from(x) * 10_000.0).round() / 10_000.0
}

/// Builds a dataset from documents (any order) and validates it; on problems
/// nothing is returned but the problems.
pub fn export<'a>(
    docs: impl IntoIterator<Item = &'a Document>,
    schema: &Schema,
    extra: &Extra,
    options: ExportOptions,
) -> Result<(Dataset, ExportNotes), Vec<Problem>> {
    let mut exporter = Exporter::new(schema, extra, options);
    for doc in docs {
        exporter.add(doc);
    }
    exporter.finish()
}

/// An export built one document at a time, so the documents need not all
/// be in memory at once (a big project's export).
pub struct Exporter<'a> {
    schema: &'a Schema,
    options: ExportOptions,
    dataset: Dataset,
    notes: ExportNotes,
}

impl<'a> Exporter<'a> {
    pub fn new(schema: &'a Schema, extra: &Extra, options: ExportOptions) -> Self {
        let mut dataset = Dataset::empty(schema);
        dataset.extra = extra.clone();
        Self { schema, options, dataset, notes: ExportNotes::default() }
    }

    /// Adds a document (left out, and counted, when the options say so).
    pub fn add(&mut self, doc: &Document) {
        if self.options.done_only && doc.status() != Status::Done {
            self.notes.documents_left_out += 1;
            return;
        }
        self.dataset.documents.push(document_record(doc, self.options.include_suggestions, &mut self.notes));
    }

    /// The dataset, sorted and validated; on problems only the problems.
    pub fn finish(mut self) -> Result<(Dataset, ExportNotes), Vec<Problem>> {
        self.dataset.documents.sort_by(|a, b| a.id.cmp(&b.id));
        self.notes.documents = self.dataset.documents.len();
        let problems = self.dataset.validate(Some(self.schema));
        if problems.is_empty() { Ok((self.dataset, self.notes)) } else { Err(problems) }
    }
}

/// Turns a valid record into a document. Entities marked as pending
/// suggestions become suggestions; accepted ones keep their provenance.
pub fn record_to_document(d: &DocRecord) -> Result<Document, Problem> {
    let doc_name = Some(d.id.as_str());
    let mut doc = Document::new(DocId(d.id.clone()), d.source.clone(), d.text.clone());
    doc.set_status_unrecorded(d.status);
    let mut extra = d.extra.clone();
    if let Some(serde_json::Value::String(c)) = extra.remove(COMMENT_FIELD) {
        doc.set_comment_unrecorded(c);
    }
    doc.extra = extra;
    let mut ids: BTreeMap<&str, SpanId> = BTreeMap::new();
    let mut suggestion_ids: BTreeMap<&str, SuggestionId> = BTreeMap::new();
    let mut spans = Vec::new();
    let mut suggestions = Vec::new();
    for e in &d.entities {
        let (start, end) = (CharIdx::new(e.start.max(0) as usize), CharIdx::new(e.end.max(0) as usize));
        let mut extra = e.extra.clone();
        let suggestion = extra.remove(SUGGESTION_FIELD);
        let provenance = suggestion.as_ref().map(|v| {
            let recognizer = RecognizerName::parse(v.get("recognizer").and_then(|r| r.as_str()).unwrap_or("unknown"));
            let score = v.get("score").and_then(serde_json::Value::as_f64).unwrap_or(0.0) as f32;
            let state = v.get("state").and_then(|s| s.as_str()).unwrap_or("pending").to_owned();
            (recognizer, score, state)
        });
        match provenance {
            Some((recognizer, score, state)) if state == "pending" => {
                let id = doc.fresh_suggestion_id();
                suggestion_ids.insert(e.id.as_str(), id);
                suggestions.push(Suggestion { id, start, end, label: e.label.clone(), recognizer, score, state: SuggestionState::Pending });
            }
            other => {
                let id = doc.fresh_span_id();
                ids.insert(e.id.as_str(), id);
                let origin = match other {
                    Some((recognizer, score, state)) => Origin::Suggested { recognizer, score, edited: state == "edited" },
                    None => Origin::Imported,
                };
                spans.push(Span { id, start, end, label: e.label.clone(), origin, extra });
            }
        }
    }
    let mut relations = Vec::new();
    let mut relation_suggestions = Vec::new();
    for r in &d.relations {
        // A pending relation suggestion (`spanlab suggest`, or an export
        // with suggestions): its ends are spans or entity suggestions.
        if let Some(v) = r.extra.get(SUGGESTION_FIELD).filter(|v| v.get("state").and_then(|s| s.as_str()).unwrap_or("pending") == "pending")
        {
            let end = |name: &str| {
                ids.get(name).map(|&s| RelationEnd::Span(s)).or_else(|| suggestion_ids.get(name).map(|&s| RelationEnd::Suggestion(s)))
            };
            let (Some(head), Some(tail)) = (end(r.head.as_str()), end(r.tail.as_str())) else {
                return Err(Problem::new(doc_name, Some(format!("relation {}", r.id)), "names an entity that does not exist"));
            };
            relation_suggestions.push(RelationSuggestion {
                id: doc.fresh_suggestion_id(),
                head,
                tail,
                label: r.label.clone(),
                recognizer: RecognizerName::parse(v.get("recognizer").and_then(|r| r.as_str()).unwrap_or("unknown")),
                score: v.get("score").and_then(serde_json::Value::as_f64).unwrap_or(0.0) as f32,
                state: RelationSuggestionState::Pending,
            });
            continue;
        }
        let (Some(&head), Some(&tail)) = (ids.get(r.head.as_str()), ids.get(r.tail.as_str())) else {
            return Err(Problem::new(doc_name, Some(format!("relation {}", r.id)), "names an entity that is not a gold span"));
        };
        let id = RelationId(doc.fresh_relation_id().0);
        relations.push(Relation { id, head, tail, label: r.label.clone(), extra: r.extra.clone() });
    }
    Document::from_parts(doc, spans, relations, suggestions)
        .and_then(|doc| doc.with_relation_suggestions(relation_suggestions))
        .map_err(|e| Problem::new(doc_name, None, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::document::sha256_hex;
    use crate::model::markup::parse_markup;

    fn doc_from_markup(id: &str, markup: &str) -> Document {
        let (text, spans) = parse_markup(markup);
        let mut doc = Document::new(DocId(id.into()), format!("{id}.txt"), text);
        let schema = Schema::news();
        for (s, e, l) in spans {
            let edit = doc.add_span_edit(s, e, &l);
            doc.apply(edit, &schema).expect("markup spans are valid");
        }
        doc
    }

    #[test]
    fn export_sorts_and_renumbers() {
        let schema = Schema::news();
        let mut doc = doc_from_markup("b", "[Wang Yi]{PER} a vu [Lavrov]{PER} à [Pékin]{GPE} 😀 [Pékin]{GPE}");
        let ids: Vec<SpanId> = doc.spans().iter().map(|s| s.id).collect();
        let edit = doc.add_relation_edit(ids[1], ids[2], "VISITS");
        doc.apply(edit, &schema).expect("allowed");
        let edit = doc.add_relation_edit(ids[0], ids[1], "MEETS");
        doc.apply(edit, &schema).expect("allowed");
        let other = doc_from_markup("a", "[ONU]{ORG}");
        let (ds, notes) = export([&doc, &other], &schema, &Extra::new(), ExportOptions::default()).expect("valid");
        assert_eq!(ds.documents[0].id, "a");
        let b = &ds.documents[1];
        let got: Vec<_> = b.entities.iter().map(|e| (e.id.as_str(), e.start, e.text.as_str())).collect();
        assert_eq!(got, [("T1", 0, "Wang Yi"), ("T2", 13, "Lavrov"), ("T3", 22, "Pékin"), ("T4", 30, "Pékin")]);
        let rels: Vec<_> = b.relations.iter().map(|r| (r.id.as_str(), r.head.as_str(), r.tail.as_str(), r.label.as_str())).collect();
        assert_eq!(rels, [("R1", "T1", "T2", "MEETS"), ("R2", "T2", "T3", "VISITS")]);
        assert_eq!(notes.entities, 5);
        let json = ds.to_json();
        let again = export([&other, &doc], &schema, &Extra::new(), ExportOptions::default()).expect("valid").0.to_json();
        assert_eq!(json, again, "byte-identical whatever the input order");
    }

    #[test]
    fn a_record_renumbers_in_the_contracts_order() {
        // "Lavrov à Pékin et Wang Yi": written out of order, odd ids.
        let text = Text::from("Lavrov à Pékin et Wang Yi");
        let entity = |id: &str, s: usize, e: usize, l: &str| EntityRecord {
            id: id.into(),
            ..EntityRecord::new(0, &text, CharIdx::new(s), CharIdx::new(e), l)
        };
        let relation = |id: &str, h: &str, t: &str, l: &str| RelationRecord {
            id: id.into(),
            head: h.into(),
            tail: t.into(),
            ..RelationRecord::new(0, 0, 0, l)
        };
        let mut d = DocRecord {
            id: "d".into(),
            source: String::new(),
            text: text.as_str().to_owned(),
            sha256: String::new(),
            status: Status::New,
            entities: vec![entity("x", 18, 25, "PER"), entity("y", 9, 14, "GPE"), entity("z", 0, 6, "PER")],
            relations: vec![relation("r", "x", "z", "MEETS"), relation("s", "z", "gone", "MEETS"), relation("t", "z", "y", "VISITS")],
            extra: Extra::new(),
        };
        d.renumber();
        let ents: Vec<_> = d.entities.iter().map(|e| (e.id.as_str(), e.text.as_str())).collect();
        assert_eq!(ents, [("T1", "Lavrov"), ("T2", "Pékin"), ("T3", "Wang Yi")]);
        let rels: Vec<_> = d.relations.iter().map(|r| (r.id.as_str(), r.head.as_str(), r.tail.as_str())).collect();
        assert_eq!(rels, [("R1", "T1", "T2"), ("R2", "T1", "gone"), ("R3", "T3", "T1")]);
        assert_eq!(RelationRecord::new(2, 1, 3, "MEETS"), relation("R2", "T1", "T3", "MEETS"));
    }

    #[test]
    fn round_trip_through_records_is_lossless() {
        let schema = Schema::news();
        let mut doc = doc_from_markup("d", "[Kim Jong Un]{PER} reçoit [Choigu]{PER}\r\n à [Pyongyang]{GPE}.");
        doc.set_comment_unrecorded("vérifier la date".into());
        doc.set_status_unrecorded(Status::Done);
        let ids: Vec<SpanId> = doc.spans().iter().map(|s| s.id).collect();
        let edit = doc.add_relation_edit(ids[1], ids[2], "VISITS");
        doc.apply(edit, &schema).expect("allowed");
        let (ds, _) = export([&doc], &schema, &Extra::new(), ExportOptions::default()).expect("valid");
        let back: Vec<Document> = ds.documents.iter().map(|r| record_to_document(r).expect("valid")).collect();
        let (ds2, _) = export(&back, &schema, &Extra::new(), ExportOptions::default()).expect("valid");
        assert_eq!(ds.to_json(), ds2.to_json());
        assert_eq!(back[0].comment(), "vérifier la date");
    }

    #[test]
    fn validation_names_each_problem() {
        let text = "Lavrov à Pékin";
        let mut rec = DocRecord {
            id: "x".into(),
            source: String::new(),
            text: text.into(),
            sha256: sha256_hex(text),
            status: Status::Done,
            entities: vec![
                EntityRecord { id: "T1".into(), start: 0, end: 6, label: "PER".into(), text: "Lavrov".into(), extra: Extra::new() },
                EntityRecord { id: "T2".into(), start: 9, end: 40, label: "GPE".into(), text: "Pékin".into(), extra: Extra::new() },
                EntityRecord { id: "T3".into(), start: 9, end: 14, label: "CITY".into(), text: "Pékim".into(), extra: Extra::new() },
                EntityRecord { id: "T4".into(), start: 2, end: 4, label: "ORG".into(), text: "vr".into(), extra: Extra::new() },
            ],
            relations: vec![
                RelationRecord { id: "R1".into(), head: "T1".into(), tail: "T9".into(), label: "MEETS".into(), extra: Extra::new() },
                RelationRecord { id: "R2".into(), head: "T1".into(), tail: "T4".into(), label: "VISITS".into(), extra: Extra::new() },
            ],
            extra: Extra::new(),
        };
        let problems: Vec<String> = validate_record(&rec, "x", &Schema::news()).iter().map(|p| p.to_string()).collect();
        let expect = [
            "entity T2: offsets [9, 40) out of range",
            "entity T3: text[9:14] is \"Pékin\" but the entity's text is \"Pékim\"",
            "entity T3: unknown label \"CITY\"",
            "entity T4: ORG [2, 4) overlaps entity T1 (PER)",
            "relation R1: tail \"T9\" names no entity of this document",
            "relation R2: VISITS is not allowed from PER to ORG",
        ];
        for e in expect {
            assert!(problems.iter().any(|p| p.contains(e)), "missing {e:?} in {problems:#?}");
        }
        assert_eq!(problems.len(), expect.len(), "{problems:#?}");
        rec.entities.truncate(1);
        rec.relations.clear();
        assert!(validate_record(&rec, "x", &Schema::news()).is_empty());
    }

    /// A status is one of four names, written as before; any other name
    /// refuses the file, naming the document and the field.
    #[test]
    fn statuses_read_and_write_their_names() {
        let doc = |status: &str| {
            format!(
                r#"{{"format":"spanlab-dataset","version":1,"schema":{{"name":"news","entity_labels":["PER"]}},
"documents":[{{"id":"doc-3","text":"ab"{status}}}]}}"#
            )
        };
        for (name, status) in
            [("new", Status::New), ("in_progress", Status::InProgress), ("done", Status::Done), ("skipped", Status::Skipped)]
        {
            let ds = Dataset::from_json(&doc(&format!(r#","status":"{name}""#))).expect("parses");
            assert_eq!(ds.documents[0].status, status);
            assert!(ds.to_json().contains(&format!(r#""status": "{name}""#)), "{}", ds.to_json());
        }
        let absent = Dataset::from_json(&doc("")).expect("parses");
        assert_eq!(absent.documents[0].status, Status::New);
        let e = Dataset::from_json(&doc(r#","status":"finished""#)).expect_err("refused");
        assert!(e.to_string().starts_with(r#"document doc-3: status "finished" is not one of new, in_progress, done, skipped"#), "{e}");
        assert_eq!(e.line(), 2, "{e}");
        let e = Dataset::from_json(&doc(r#","status":3"#)).expect_err("refused");
        assert!(e.to_string().contains("expected a string"), "{e}");
    }

    /// A dataset's suggestion score past `f32`'s range (`1e39`) became an
    /// infinite score, which an annotation file cannot hold (see
    /// `Document::from_parts`).
    #[test]
    fn an_out_of_range_score_is_imported_finite() {
        let json = r#"{"format":"spanlab-dataset","version":1,"schema":{"name":"news","entity_labels":["PER"]},
            "documents":[{"id":"d","text":"ab","entities":[{"id":"T1","start":0,"end":1,"label":"PER","text":"a",
            "suggestion":{"recognizer":"x","score":1e39,"state":"accepted"}}]}]}"#;
        let ds = Dataset::from_json(json).expect("parses");
        let doc = record_to_document(&ds.documents[0]).expect("valid");
        assert!(matches!(doc.spans().iter().next().map(|s| &s.origin), Some(Origin::Suggested { score: 1.0, .. })));
    }

    /// Found by fuzzing (target `dataset_json`): serde_json's default float
    /// parser is not exact, so a number in a field spanlab keeps but does not
    /// read (`2.444444444444445e137`) changed in its last digit each time a
    /// dataset was read and written again. Floats now round-trip exactly.
    #[test]
    fn numbers_in_kept_fields_write_back_the_same() {
        for n in ["2.444444444444445e137", "0.30000000000000004", "1e-300", "-7.0", "123456789.12345679"] {
            let json = format!(
                r#"{{"format":"spanlab-dataset","version":1,"schema":{{"name":"news","entity_labels":["PER"]}},"documents":[],"x":{n}}}"#
            );
            let once = Dataset::from_json(&json).expect("parses").to_json();
            let twice = Dataset::from_json(&once).expect("parses").to_json();
            assert_eq!(once, twice, "{n}");
            let v: serde_json::Value = serde_json::from_str(&once).expect("json");
            assert_eq!(v["x"].as_f64(), n.parse::<f64>().ok(), "{n} is kept exactly");
        }
    }

    #[test]
    fn pending_suggestions_export_only_on_request() {
        let schema = Schema::news();
        let mut doc = doc_from_markup("s", "[Lavrov]{PER} à Pékin et Moscou");
        let a = doc.fresh_suggestion_id();
        let b = doc.fresh_suggestion_id();
        let mk = |id, s, e, label: &str| Suggestion {
            id,
            start: CharIdx::new(s),
            end: CharIdx::new(e),
            label: label.into(),
            recognizer: "test".into(),
            score: 0.5,
            state: SuggestionState::Pending,
        };
        let edit = crate::model::edit::Edit::AddSuggestions { suggestions: vec![mk(a, 9, 14, "GPE"), mk(b, 0, 3, "ORG")] };
        doc.apply(edit, &schema).expect("in text");
        let (plain, _) = export([&doc], &schema, &Extra::new(), ExportOptions::default()).expect("valid");
        assert_eq!(plain.documents[0].entities.len(), 1);
        let (with, notes) =
            export([&doc], &schema, &Extra::new(), ExportOptions { include_suggestions: true, ..Default::default() }).expect("valid");
        assert_eq!(with.documents[0].entities.len(), 2);
        assert_eq!(notes.suggestions_clashing, 1, "the ORG overlapping Lavrov is left out");
        let back = record_to_document(&with.documents[0]).expect("valid");
        assert_eq!(back.spans().len(), 1);
        assert_eq!(back.pending_suggestions().len(), 1, "pending suggestions stay suggestions");
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use crate::model::edit::Edit;
    use proptest::prelude::*;

    /// A random document: text from a palette of awkward characters, spans
    /// at random non-overlapping places, relations between random spans.
    fn arb_doc() -> impl Strategy<Value = Document> {
        let text = proptest::collection::vec(
            prop_oneof![
                Just("a"),
                Just("É"),
                Just(" "),
                Just("\r\n"),
                Just("😀"),
                Just("e\u{301}"),
                Just("\u{a0}"),
                Just("مر"),
                Just("東京"),
                Just("\n\n"),
                Just("’")
            ],
            1..60,
        )
        .prop_map(|v| v.concat());
        (
            text,
            proptest::collection::vec((0usize..200, 1usize..8, 0usize..6), 0..12),
            proptest::collection::vec((0usize..20, 0usize..20), 0..8),
            0usize..4,
        )
            .prop_map(|(text, spans, rels, status)| {
                let schema = Schema::news();
                let mut doc = Document::new(DocId("p".into()), "p.txt".into(), text);
                let len = doc.text().len_chars();
                for (s, l, label) in spans {
                    let start = s % len.max(1);
                    let end = (start + l).min(len);
                    if start < end {
                        let e = doc.add_span_edit(CharIdx::new(start), CharIdx::new(end), &schema.entity_labels[label].name);
                        let _ = doc.apply(e, &schema);
                    }
                }
                let ids: Vec<SpanId> = doc.spans().iter().map(|s| s.id).collect();
                for (h, t) in rels {
                    if ids.len() >= 2 {
                        let (h, t) = (ids[h % ids.len()], ids[t % ids.len()]);
                        for r in ["MEETS", "ROLE_IN", "LOCATED_IN", "SUPPORTS", "DATE_OF"] {
                            let e = doc.add_relation_edit(h, t, r);
                            if doc.apply(e, &schema).is_ok() {
                                break;
                            }
                        }
                    }
                }
                let _ = doc.apply(Edit::SetStatus { status: Status::ALL[status] }, &schema);
                doc
            })
    }

    proptest! {
        #[test]
        fn export_import_export_is_the_identity(doc in arb_doc()) {
            let schema = Schema::news();
            let (ds, _) = export([&doc], &schema, &Extra::new(), ExportOptions::default()).map_err(|p| TestCaseError::fail(format!("{p:?}")))?;
            let json = ds.to_json();
            let parsed = Dataset::from_json(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&parsed, &ds);
            prop_assert!(parsed.validate(Some(&schema)).is_empty());
            let back = record_to_document(&parsed.documents[0]).map_err(|p| TestCaseError::fail(p.to_string()))?;
            let (again, _) = export([&back], &schema, &Extra::new(), ExportOptions::default()).map_err(|p| TestCaseError::fail(format!("{p:?}")))?;
            prop_assert_eq!(again.to_json(), json);
            // Offsets are code points: Python's text[start:end] is the entity text.
            for e in &parsed.documents[0].entities {
                let chars: String = parsed.documents[0].text.chars().skip(e.start as usize).take((e.end - e.start) as usize).collect();
                prop_assert_eq!(chars, e.text.clone());
            }
        }
    }
}
