//! The formats that hold one document a line (doccano JSONL, spaCy JSONL
//! and gold lines), read and written a line at a time, so that a stream of
//! any length converts in constant memory (`spanlab convert - -`,
//! `spanlab suggest - --out -`).
//!
//! Gold lines are the gold dataset's documents, one JSON object a line
//! (`{"id", "source", "text", "sha256", "status", "entities",
//! "relations", …}`, `shared/dataset-format.md`), with no header: what
//! batch engines (GNU parallel, Spark's `rdd.pipe`) cut into pieces and put
//! back together. Reading is lenient, so that a plain `{"text": …}` line
//! (optional `id`, any other field kept) is a document too.
//!
//! Owns: one line ↔ one document, with the place of an error inside the
//! line and the report of what was not carried. Must not touch: files or
//! standard input and output (`store::convert` streams them), or how a
//! whole file of these formats is read (each format's own module).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{Format, FormatError, Options, RawDoc, RawEntity, RawRelation, Report, Tokenizer, doccano, fields, numbered_id, spacy_jsonl};
use crate::model::dataset::DocRecord;
use crate::model::{Dataset, Text};

/// Whether a format holds one document a line.
pub fn is_line_format(format: Format) -> bool {
    matches!(format, Format::Doccano | Format::SpacyJsonl | Format::GoldLines)
}

/// Reads line `n` (1-based) of a line format as a document: `None` for a
/// blank line or one the format skips (reported). A document with no id of
/// its own is named by its line (`doc-0012`). Errors name the place inside
/// the line (`label 2`, `"text"`); the caller names the file and line.
pub fn read_line(format: Format, line: &str, n: usize, options: &Options, report: &mut Report) -> Result<Option<DocRecord>, FormatError> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    let record = match format {
        Format::GoldLines => read_gold_line(line, n, report)?,
        Format::Doccano | Format::SpacyJsonl => {
            let read = if format == Format::Doccano { doccano::read } else { spacy_jsonl::read };
            // The reader counts this line as line 1: its examples say so.
            let mut own = Report::new(format, report.direction);
            let dataset = read(line, options, &mut own).map_err(within_line)?;
            for loss in &mut own.losses {
                for e in &mut loss.examples {
                    if let Some(rest) = e.strip_prefix("line 1").filter(|r| r.is_empty() || r.starts_with([',', ':'])) {
                        *e = format!("line {n}{rest}");
                    }
                }
            }
            report.offsets = own.offsets;
            report.absorb(own);
            let Some(mut record) = dataset.documents.into_iter().next() else { return Ok(None) };
            if record.id == numbered_id(0) && !has_own_id(format, line) {
                record.id = numbered_id(n.saturating_sub(1));
            }
            Some(record)
        }
        other => return Err(FormatError::new("", format!("{other} does not hold one document a line"))),
    };
    if let Some(r) = &record {
        report.documents += 1;
        report.entities += r.entities.len();
        report.relations += r.relations.len();
    }
    Ok(record)
}

/// Writes a document as one line (with its `\n`) of a line format; `n` is
/// its 1-based position in the stream (doccano's `"id"`).
pub fn write_line(
    format: Format,
    doc: &DocRecord,
    n: usize,
    options: &Options,
    tokenizer: Tokenizer,
    report: &mut Report,
) -> Result<String, FormatError> {
    let one = Dataset { documents: vec![doc.clone()], ..Dataset::empty(&crate::model::Schema::news()) };
    let bytes = match format {
        Format::GoldLines => {
            let mut line = serde_json::to_string(doc).map_err(|e| FormatError::new(format!("document {}", doc.id), e.to_string()))?;
            line.push('\n');
            line.into_bytes()
        }
        Format::Doccano => {
            // A stream cannot look ahead for relations: the shape is the
            // one asked for, else sequence labelling (relations reported).
            let options = Options { doccano_shape: Some(options.doccano_shape.unwrap_or(doccano::Shape::Ner)), ..options.clone() };
            doccano::write_numbered(&one, n, &options, report)?
        }
        Format::SpacyJsonl => spacy_jsonl::write(&one, options, tokenizer, report)?,
        other => return Err(FormatError::new("", format!("{other} does not hold one document a line"))),
    };
    report.documents += 1;
    report.entities += doc.entities.len();
    report.relations += doc.relations.len();
    String::from_utf8(bytes).map_err(|e| FormatError::new(format!("document {}", doc.id), e.to_string()))
}

/// Reads a whole file of gold lines (blank lines skipped); errors name the
/// line. Documents keep the file's order.
pub fn read_gold_lines(input: &str, report: &mut Report) -> Result<Vec<DocRecord>, FormatError> {
    let mut docs = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    for (i, line) in input.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let Some(record) = read_gold_line(line, n, report).map_err(|e| at_line(e, n))? else { continue };
        fields::claim_id(&mut ids, &record.id, &format!("line {n}, id"))?;
        docs.push(record);
    }
    Ok(docs)
}

/// Writes every document as a gold line, in the dataset's order.
pub fn write_gold_lines(dataset: &Dataset) -> Result<Vec<u8>, FormatError> {
    let mut out = String::new();
    for d in &dataset.documents {
        out.push_str(&serde_json::to_string(d).map_err(|e| FormatError::new(format!("document {}", d.id), e.to_string()))?);
        out.push('\n');
    }
    Ok(out.into_bytes())
}

/// A gold line as a canonical record: `text` (a string) is all it needs;
/// `id` (a string or a number; else named by its line), `source`,
/// `status`, `entities` (`id`, `start`, `end`, `label`, code points) and
/// `relations` (`head`, `tail`, `label`, naming entity ids) are read as
/// the gold format has them, `sha256` is recomputed, and any other field
/// is kept. A line without `"text"` is skipped and reported.
fn read_gold_line(line: &str, n: usize, report: &mut Report) -> Result<Option<DocRecord>, FormatError> {
    let value: Value = serde_json::from_str(line).map_err(|e| {
        let message = e.to_string();
        let message = message.strip_suffix(&format!(" at line {} column {}", e.line(), e.column())).unwrap_or(&message).to_owned();
        FormatError::new(format!("column {}", e.column()), message)
    })?;
    let Value::Object(mut obj) = value else {
        return Err(FormatError::new("", "expected a JSON object"));
    };
    let text = match obj.remove("text") {
        Some(Value::String(t)) => t,
        None | Some(Value::Null) => {
            report.lose(NO_TEXT, || format!("line {n}"));
            return Ok(None);
        }
        Some(v) => return Err(FormatError::new("\"text\"", format!("expected a string, found {v}"))),
    };
    let id = match obj.remove("id") {
        None | Some(Value::Null) => numbered_id(n.saturating_sub(1)),
        Some(v) => fields::id_text(&v).ok_or_else(|| FormatError::new("\"id\"", format!("expected a string or a number, found {v}")))?,
    };
    let source = fields::source(obj.remove("source"), "\"source\"")?;
    let status = fields::status(obj.remove("status").as_ref(), "\"status\"")?;
    obj.remove("sha256");
    let t = Text::new(text.clone());
    let mut raw = RawDoc { id, source, text, status, ..RawDoc::default() };
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    for (k, e) in list(obj.remove("entities"), "\"entities\"")?.iter().enumerate() {
        let what = format!("entities[{k}]");
        let start = fields::offset(&t, super::Offsets::Chars, e.get("start"), &format!("{what}.start"))?;
        let end = fields::offset(&t, super::Offsets::Chars, e.get("end"), &format!("{what}.end"))?;
        if start >= end {
            return Err(FormatError::new(what, format!("start {start} is not before end {end}")));
        }
        let label = e.get("label").and_then(Value::as_str).ok_or_else(|| FormatError::new(what.clone(), "label missing"))?;
        let mut extra: Map<String, Value> = e.as_object().cloned().unwrap_or_default();
        for key in ["id", "start", "end", "label", "text"] {
            extra.remove(key);
        }
        if let Some(eid) = e.get("id") {
            by_id.insert(fields::json_key(eid), raw.entities.len());
        }
        raw.entities.push(RawEntity { start, end, label: label.to_owned(), extra: extra.into_iter().collect() });
    }
    for (k, r) in list(obj.remove("relations"), "\"relations\"")?.iter().enumerate() {
        let what = format!("relations[{k}]");
        let end = |key: &str| -> Result<usize, FormatError> {
            let v = r.get(key).map(fields::json_key).ok_or_else(|| FormatError::new(what.clone(), format!("{key} missing")))?;
            by_id.get(&v).copied().ok_or_else(|| FormatError::new(what.clone(), format!("{key} {v:?} names no entity of this line")))
        };
        let label = r.get("label").and_then(Value::as_str).ok_or_else(|| FormatError::new(what.clone(), "label missing"))?;
        let mut extra: Map<String, Value> = r.as_object().cloned().unwrap_or_default();
        for key in ["id", "head", "tail", "label"] {
            extra.remove(key);
        }
        raw.relations.push(RawRelation {
            head: end("head")?,
            tail: end("tail")?,
            label: label.to_owned(),
            extra: extra.into_iter().collect(),
        });
    }
    raw.extra = obj.into_iter().collect();
    Ok(Some(raw.into_record(report)))
}

/// The loss of a gold line without a text.
const NO_TEXT: &str = "lines without \"text\" (skipped)";

/// A JSON list, or an empty one when absent; an error at `place` otherwise.
fn list(v: Option<Value>, place: &str) -> Result<Vec<Value>, FormatError> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => Ok(items),
        Some(v) => Err(FormatError::new(place, format!("expected a list, found {v}"))),
    }
}

/// Whether a doccano or spaCy JSONL line names its document.
fn has_own_id(format: Format, line: &str) -> bool {
    let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(line) else { return false };
    match format {
        Format::Doccano => obj.contains_key("document_id") || obj.contains_key("id"),
        _ => obj.get("meta").and_then(|m| m.get("id")).is_some(),
    }
}

/// An error of a reader given one line, as a place inside that line: the
/// reader's `line 1, label 2` becomes `label 2`.
fn within_line(e: FormatError) -> FormatError {
    let place = e.place.strip_prefix("line 1").map(|rest| rest.trim_start_matches(", ").to_owned()).unwrap_or(e.place);
    FormatError { place, message: e.message }
}

/// An error inside line `n` as a place in the file: `line 12, label 2`.
pub fn at_line(e: FormatError, n: usize) -> FormatError {
    let place = if e.place.is_empty() { format!("line {n}") } else { format!("line {n}, {}", e.place) };
    FormatError { place, message: e.message }
}

#[cfg(test)]
mod tests {
    use super::super::testgen::{arb_dataset, canon};
    use super::super::{Direction, Options, dataset_of};
    use super::*;
    use proptest::prelude::*;

    fn report() -> Report {
        Report::new(Format::GoldLines, Direction::Import)
    }

    #[test]
    fn a_plain_text_line_is_a_document_and_its_fields_are_kept() {
        let r = read_line(Format::GoldLines, r#"{"text": "Zoé à Paris", "lang": "fr"}"#, 12, &Options::default(), &mut report())
            .unwrap()
            .unwrap();
        assert_eq!((r.id.as_str(), r.text.as_str(), r.extra.get("lang")), ("doc-0012", "Zoé à Paris", Some(&serde_json::json!("fr"))));
        let line = r#"{"id": 7, "text": "Zoé à Paris", "entities": [{"id": "a", "start": 6, "end": 11, "label": "GPE"}, {"id": "b", "start": 0, "end": 3, "label": "PER", "suggestion": {"state": "pending"}}], "relations": [{"head": "b", "tail": "a", "label": "VISITS"}]}"#;
        let r = read_line(Format::GoldLines, line, 1, &Options::default(), &mut report()).unwrap().unwrap();
        assert_eq!(r.id, "7");
        assert_eq!((r.entities[0].id.as_str(), r.entities[0].text.as_str()), ("T1", "Zoé"));
        assert!(r.entities[0].extra.contains_key("suggestion"));
        assert_eq!((r.relations[0].head.as_str(), r.relations[0].tail.as_str()), ("T1", "T2"));
    }

    #[test]
    fn bad_lines_name_the_place_inside_the_line() {
        for (line, format, place) in [
            (r#"{"text": "ab", "entities": [{"start": 0, "end": 9, "label": "X"}]}"#, Format::GoldLines, "entities[0].end"),
            (r#"{"text": 3}"#, Format::GoldLines, "\"text\""),
            (r#"{"text": "ab""#, Format::GoldLines, "column"),
            (r#"{"text": "ab", "label": [[0, 9, "X"]]}"#, Format::Doccano, "label 1"),
            (r#"{"text": "ab", "spans": {}}"#, Format::SpacyJsonl, "\"spans\""),
        ] {
            let e = read_line(format, line, 5, &Options::default(), &mut report()).unwrap_err();
            assert!(e.place.starts_with(place), "{line}: {e}");
            assert!(at_line(e, 5).place.starts_with("line 5, "));
        }
        let mut r = report();
        assert_eq!(read_line(Format::Doccano, r#"{"label": []}"#, 3, &Options::default(), &mut r).unwrap(), None);
        assert!(!r.is_lossless(), "skipped and reported");
    }

    proptest! {
        /// Every line format, a line at a time, gives back what the whole
        /// file would.
        #[test]
        fn line_by_line_is_the_whole_file(x in arb_dataset(true, true), which in 0usize..3) {
            let format = [Format::GoldLines, Format::Doccano, Format::SpacyJsonl][which];
            let options = Options { doccano_shape: Some(doccano::Shape::Relations), ..Options::default() };
            let tok: Tokenizer = &super::super::tokens::test_tokenizer;
            let mut w = Report::new(format, Direction::Export);
            let mut stream = String::new();
            for (i, d) in x.documents.iter().enumerate() {
                stream.push_str(&write_line(format, d, i + 1, &options, tok, &mut w).map_err(|e| TestCaseError::fail(e.to_string()))?);
            }
            let mut r = report();
            let mut docs = Vec::new();
            for (i, line) in stream.lines().enumerate() {
                docs.extend(read_line(format, line, i + 1, &Options::default(), &mut r).map_err(|e| TestCaseError::fail(e.to_string()))?);
            }
            prop_assert_eq!(canon(&dataset_of(docs, "news")), canon(&x));
        }
    }
}
