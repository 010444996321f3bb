//! doccano JSONL, in its two shapes: sequence labelling
//! (`{"text": …, "label": [[start, end, "TYPE"]]}`) and relation extraction
//! (`{"text": …, "entities": [{"id", "start_offset", "end_offset", "label"}],
//! "relations": [{"id", "from_id", "to_id", "type"}]}`).
//!
//! Owns: the mapping of each line to a document. doccano keeps any other
//! key of a line as metadata, so the document's id (`document_id`), source,
//! status, its own extra fields and a non-default offset unit (`offsets`)
//! travel as keys of the line. Entity and relation fields have no place.
//! Must not touch: files.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::{FormatError, Options, RawDoc, RawEntity, RawRelation, Report, dataset_of, entity_offsets, fields, numbered_id};
use crate::model::dataset::EntityRecord;
use crate::model::{Dataset, Text};

/// doccano's two JSONL shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `{"text", "label": [[start, end, "TYPE"]]}` (sequence labelling).
    Ner,
    /// `{"text", "entities": [...], "relations": [...]}`.
    Relations,
}

impl Shape {
    /// Parses `ner` or `relations`.
    pub fn parse(name: &str) -> Option<Shape> {
        match name {
            "ner" | "sequence" | "seq" => Some(Shape::Ner),
            "relations" | "relation" | "rel" => Some(Shape::Relations),
            _ => None,
        }
    }
}

/// The loss of a line without a text: skipped, as doccano's own import
/// skips it (naming the line) rather than refusing the file.
pub const NO_TEXT: &str = "lines without \"text\" (skipped, as doccano does)";

/// Keys of a line that are not the document's extra fields.
const RESERVED: [&str; 10] = ["id", "text", "label", "labels", "entities", "relations", "document_id", "source", "status", "offsets"];

/// Writes one line per document. The shape is `options.doccano_shape`, else
/// the relation shape when any document has a relation. An entity whose
/// offsets cannot be counted in the unit asked for is an error.
pub fn write(dataset: &Dataset, options: &Options, report: &mut Report) -> Result<Vec<u8>, FormatError> {
    write_numbered(dataset, 1, options, report)
}

/// [`write()`], numbering the lines' `"id"` from `first` (a stream's lines
/// written one at a time).
pub fn write_numbered(dataset: &Dataset, first: usize, options: &Options, report: &mut Report) -> Result<Vec<u8>, FormatError> {
    let shape = options.doccano_shape.unwrap_or(if dataset.documents.iter().any(|d| !d.relations.is_empty()) {
        Shape::Relations
    } else {
        Shape::Ner
    });
    let unit = options.offsets.unwrap_or_default();
    let mut out = String::new();
    for (i, d) in dataset.documents.iter().enumerate() {
        let text = Text::new(d.text.clone());
        let at = |e: &EntityRecord| entity_offsets(&text, unit, &d.id, e);
        let mut line = Map::new();
        line.insert("id".to_owned(), json!(first + i));
        line.insert("text".to_owned(), json!(d.text));
        match shape {
            Shape::Ner => {
                let labels = d
                    .entities
                    .iter()
                    .map(|e| {
                        let (start, end) = at(e)?;
                        Ok(json!([start, end, e.label]))
                    })
                    .collect::<Result<_, FormatError>>()?;
                line.insert("label".to_owned(), Value::Array(labels));
                for r in &d.relations {
                    report.lose("relations (doccano's sequence-labelling shape has no place for them)", || {
                        format!("document {}: {} {} → {}", d.id, r.label, r.head, r.tail)
                    });
                }
            }
            Shape::Relations => {
                let number: BTreeMap<&str, usize> = d.entities.iter().enumerate().map(|(k, e)| (e.id.as_str(), k + 1)).collect();
                let entities = d
                    .entities
                    .iter()
                    .enumerate()
                    .map(|(k, e)| {
                        let (start, end) = at(e)?;
                        Ok(json!({"id": k + 1, "start_offset": start, "end_offset": end, "label": e.label}))
                    })
                    .collect::<Result<_, FormatError>>()?;
                let relations: Vec<Value> = d
                    .relations
                    .iter()
                    .enumerate()
                    .map(|(k, r)| {
                        json!({"id": k + 1, "from_id": number.get(r.head.as_str()), "to_id": number.get(r.tail.as_str()), "type": r.label})
                    })
                    .collect();
                line.insert("entities".to_owned(), Value::Array(entities));
                line.insert("relations".to_owned(), Value::Array(relations));
            }
        }
        line.insert("document_id".to_owned(), json!(d.id));
        if !d.source.is_empty() {
            line.insert("source".to_owned(), json!(d.source));
        }
        line.insert("status".to_owned(), json!(d.status.as_str()));
        if unit != super::Offsets::Chars {
            line.insert("offsets".to_owned(), json!(unit.name()));
        }
        for (k, v) in &d.extra {
            if RESERVED.contains(&k.as_str()) {
                report.lose(&format!("document field \"{k}\" (its name is taken by doccano)"), || format!("document {}", d.id));
            } else {
                line.insert(k.clone(), v.clone());
            }
        }
        for e in &d.entities {
            for key in e.extra.keys() {
                report.lose(&format!("entity field \"{key}\" (doccano has no place for it)"), || format!("document {}: {}", d.id, e.id));
            }
        }
        for r in &d.relations {
            for key in r.extra.keys() {
                report.lose(&format!("relation field \"{key}\" (doccano has no place for it)"), || format!("document {}: {}", d.id, r.id));
            }
        }
        out.push_str(&ascii_json(&Value::Object(line)));
        out.push('\n');
    }
    Ok(out.into_bytes())
}

/// A value as compact JSON in pure ASCII: every other character of a
/// string is written as a `\uXXXX` escape (a surrogate pair past U+FFFF),
/// which every JSON reader decodes to the same text. doccano's "Auto"
/// encoding guesses a file's encoding from its bytes (chardet), and takes
/// UTF-8 with a few accents or an emoji for Windows-1254; an ASCII file it
/// reads right. Outside strings JSON is ASCII already, so escaping every
/// character above U+007F of the serialized text is exact.
///
/// `{"text":"Zoé 😀"}` → `{"text":"Zo\u00e9 \ud83d\ude00"}`.
pub fn ascii_json(value: &Value) -> String {
    let json = value.to_string();
    let mut out = String::with_capacity(json.len());
    let mut units = [0u16; 2];
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

/// Reads either shape (each line may have its own).
pub fn read(input: &str, options: &Options, report: &mut Report) -> Result<Dataset, FormatError> {
    let mut docs = Vec::new();
    let mut ids = BTreeSet::new();
    for (i, line) in input.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let place = |what: &str| if what.is_empty() { format!("line {n}") } else { format!("line {n}, {what}") };
        let value: Value =
            serde_json::from_str(line).map_err(|e| FormatError::new(format!("line {n}, column {}", e.column()), e.to_string()))?;
        let Value::Object(mut obj) = value else {
            return Err(FormatError::new(place(""), "expected a JSON object"));
        };
        let text = match obj.remove("text") {
            Some(Value::String(text)) => text,
            // doccano skips a record without text and names its line.
            None | Some(Value::Null) => {
                report.lose(NO_TEXT, || format!("line {n}"));
                continue;
            }
            Some(v) => return Err(FormatError::new(place("\"text\""), format!("expected a string, found {v}"))),
        };
        let unit = fields::offsets_unit(obj.remove("offsets").as_ref(), &place("\"offsets\""), &place(""), options, report)?;
        let id = match obj.remove("document_id").or(obj.remove("id")) {
            None => numbered_id(docs.len()),
            Some(v) => {
                fields::id_text(&v).ok_or_else(|| FormatError::new(place("id"), format!("expected a string or a number, found {v}")))?
            }
        };
        fields::claim_id(&mut ids, &id, &place("id"))?;
        let status = fields::status(obj.remove("status").as_ref(), &place("\"status\""))?;
        let source = fields::source(obj.remove("source"), &place("\"source\""))?;
        let t = Text::new(text.clone());
        let offset = |v: Option<&Value>, what: &str| fields::offset(&t, unit, v, &place(what));
        let mut raw = RawDoc { id, source, text, status, ..RawDoc::default() };
        if let Some(entities) = obj.remove("entities") {
            let Value::Array(entities) = entities else {
                return Err(FormatError::new(place("\"entities\""), "expected a list"));
            };
            let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
            for (k, e) in entities.iter().enumerate() {
                let what = format!("entity {}", k + 1);
                let start = offset(e.get("start_offset"), &format!("{what}, start_offset"))?;
                let end = offset(e.get("end_offset"), &format!("{what}, end_offset"))?;
                let label = e.get("label").and_then(Value::as_str).ok_or_else(|| FormatError::new(place(&what), "label missing"))?;
                if start >= end {
                    return Err(FormatError::new(place(&what), format!("start {start} is not before end {end}")));
                }
                let key = e.get("id").map_or_else(|| (k + 1).to_string(), fields::json_key);
                if by_id.insert(key.clone(), raw.entities.len()).is_some() {
                    return Err(FormatError::new(place(&what), format!("duplicate entity id {key}")));
                }
                raw.entities.push(RawEntity { start, end, label: label.to_owned(), ..RawEntity::default() });
            }
            if let Some(relations) = obj.remove("relations") {
                let Value::Array(relations) = relations else {
                    return Err(FormatError::new(place("\"relations\""), "expected a list"));
                };
                for (k, r) in relations.iter().enumerate() {
                    let what = format!("relation {}", k + 1);
                    let end = |key: &str| -> Result<usize, FormatError> {
                        let v = r.get(key).map(fields::json_key).ok_or_else(|| FormatError::new(place(&what), format!("{key} missing")))?;
                        by_id
                            .get(&v)
                            .copied()
                            .ok_or_else(|| FormatError::new(place(&what), format!("{key} {v} names no entity of this line")))
                    };
                    let label = r.get("type").and_then(Value::as_str).ok_or_else(|| FormatError::new(place(&what), "type missing"))?;
                    raw.relations.push(RawRelation {
                        head: end("from_id")?,
                        tail: end("to_id")?,
                        label: label.to_owned(),
                        ..RawRelation::default()
                    });
                }
            }
        } else {
            let labels = obj.remove("label").or_else(|| obj.remove("labels")).unwrap_or(Value::Array(Vec::new()));
            let Value::Array(labels) = labels else {
                return Err(FormatError::new(place("\"label\""), "expected a list of [start, end, label]"));
            };
            for (k, l) in labels.iter().enumerate() {
                let what = format!("label {}", k + 1);
                let (Some(s), Some(e), Some(Value::String(label))) = (l.get(0), l.get(1), l.get(2)) else {
                    let hint = if l.is_string() { " (this looks like text classification, which has no spans)" } else { "" };
                    return Err(FormatError::new(place(&what), format!("expected [start, end, label], found {l}{hint}")));
                };
                let start = offset(Some(s), &what)?;
                let end = offset(Some(e), &what)?;
                if start >= end {
                    return Err(FormatError::new(place(&what), format!("start {start} is not before end {end}")));
                }
                raw.entities.push(RawEntity { start, end, label: label.clone(), ..RawEntity::default() });
            }
        }
        obj.remove("relations");
        raw.extra = obj.into_iter().collect();
        docs.push(raw.into_record(report));
    }
    Ok(dataset_of(docs, "imported"))
}

#[cfg(test)]
mod tests {
    use super::super::testgen::{arb_dataset, canon};
    use super::super::{Direction, Format, Offsets};
    use super::*;
    use proptest::prelude::*;

    fn report() -> Report {
        Report::new(Format::Doccano, Direction::Import)
    }

    #[test]
    fn reads_both_shapes() {
        let input = concat!(
            r#"{"id": 7, "text": "Macron à Berlin", "label": [[0, 6, "PER"], [9, 15, "GPE"]], "Comments": []}"#,
            "\n",
            r#"{"id": 8, "text": "Zoé 😀 voit Paul", "entities": [{"id": 1, "start_offset": 0, "end_offset": 3, "label": "PER"}, {"id": 2, "start_offset": 11, "end_offset": 15, "label": "PER"}], "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "MEETS"}]}"#,
        );
        let d = read(input, &Options::default(), &mut report()).unwrap();
        assert_eq!(d.documents.len(), 2);
        let a = &d.documents[0];
        assert_eq!((a.id.as_str(), a.entities[1].text.as_str()), ("7", "Berlin"));
        assert_eq!(a.extra.get("Comments"), Some(&json!([])), "unknown keys are kept");
        let b = &d.documents[1];
        assert_eq!(b.entities[1].text, "Paul", "offsets are code points: the emoji counts one");
        assert_eq!((b.relations[0].head.as_str(), b.relations[0].tail.as_str(), b.relations[0].label.as_str()), ("T1", "T2", "MEETS"));
    }

    #[test]
    fn utf16_offsets_are_declared_and_read_back() {
        let x = read(r#"{"text": "😀 Paul", "label": [[2, 6, "PER"]]}"#, &Options::default(), &mut report()).unwrap();
        let opts = Options { offsets: Some(Offsets::Utf16), ..Options::default() };
        let mut r = Report::new(Format::Doccano, Direction::Export);
        let bytes = write(&x, &opts, &mut r).unwrap();
        let line = String::from_utf8(bytes).unwrap();
        assert!(line.contains(r#""label":[[3,7,"PER"]]"#), "{line}");
        assert!(line.contains(r#""offsets":"utf16""#));
        let back = read(&line, &Options::default(), &mut report()).unwrap();
        assert_eq!(canon(&back), canon(&x));
        let clash = read(&line, &Options { offsets: Some(Offsets::Bytes), ..Options::default() }, &mut report()).unwrap_err();
        assert!(clash.message.contains("utf16"), "{clash}");
    }

    #[test]
    fn bad_lines_name_their_place() {
        for (input, place) in [
            ("{\"text\": \"ab\", \"label\": [[0, 5, \"PER\"]]}", "line 1, label 1"),
            ("\n{\"text\": 3}", "line 2, \"text\""),
            ("{\"text\": \"ab\", \"label\": [[1, 1, \"PER\"]]}", "line 1, label 1"),
            ("{\"text\": \"ab\", \"label\": [\"pos\"]}", "line 1, label 1"),
            (
                "{\"text\": \"ab\"}\n{\"text\": \"ab\", \"entities\": [], \"relations\": [{\"from_id\": 1, \"to_id\": 2, \"type\": \"X\"}]}",
                "line 2, relation 1",
            ),
            ("{\"text\": \"😀\", \"label\": [[1, 2, \"PER\"]], \"offsets\": \"utf16\"}", "line 1, label 1"),
            ("{\"id\": 1, \"text\": \"a\"}\n{\"id\": 1, \"text\": \"b\"}", "line 2, id"),
            ("{\"text\": \"a\"", "line 1, column"),
        ] {
            let e = read(input, &Options::default(), &mut report()).unwrap_err();
            assert!(e.place.starts_with(place), "{input}: {e}");
        }
    }

    /// doccano's "Auto" encoding (chardet) took our UTF-8 lines for
    /// Windows-1254 when a text had accents or an emoji, and its import
    /// failed: every line is ASCII now, and reads back to the same texts and
    /// fields. (Failed before: the file held the characters as UTF-8.)
    #[test]
    fn lines_are_pure_ascii_and_read_back_exactly() {
        let line =
            r#"{"id": "é1", "text": "Zoé 😀 voit Paul à Paris", "label": [[0, 3, "PER"], [11, 15, "PER"], [18, 23, "GPE"]], "note": "ça"}"#;
        let x = read(line, &Options::default(), &mut report()).unwrap();
        for shape in [Shape::Ner, Shape::Relations] {
            let opts = Options { doccano_shape: Some(shape), ..Options::default() };
            let bytes = write(&x, &opts, &mut Report::new(Format::Doccano, Direction::Export)).unwrap();
            assert!(bytes.is_ascii(), "{shape:?}: {}", String::from_utf8_lossy(&bytes));
            let out = String::from_utf8(bytes).unwrap();
            assert!(out.contains(r#""text":"Zo\u00e9 \ud83d\ude00 voit Paul \u00e0 Paris""#), "{out}");
            let back = read(&out, &Options::default(), &mut report()).unwrap();
            assert_eq!(canon(&back), canon(&x));
            assert_eq!(back.documents[0].extra, x.documents[0].extra);
        }
        assert_eq!(ascii_json(&json!("\u{7f}\u{80}\u{ffff}\u{10000}")), "\"\u{7f}\\u0080\\uffff\\ud800\\udc00\"");
    }

    /// A line without a text is skipped and named, as doccano's own import
    /// does, instead of refusing the whole file (it did before).
    #[test]
    fn a_line_without_text_is_skipped_and_named() {
        let input = "{\"text\": \"a\"}\n{\"label\": [[0, 1, \"X\"]]}\n{\"text\": null}\n{\"text\": \"b\"}\n";
        let mut r = report();
        let d = read(input, &Options::default(), &mut r).unwrap();
        let texts: Vec<&str> = d.documents.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(texts, ["a", "b"]);
        let loss = r.losses.iter().find(|l| l.what == NO_TEXT).expect("reported");
        assert_eq!((loss.count, loss.examples.clone()), (2, vec!["line 2".to_owned(), "line 3".to_owned()]));
    }

    /// A relation listed twice was merged without a word ("nothing lost")
    /// while a duplicate entity was reported: both are reported now, and so
    /// is a relation that becomes a duplicate when its entities merge.
    #[test]
    fn duplicate_relations_are_reported_like_duplicate_entities() {
        let line = r#"{"text": "Zoé voit Paul", "entities": [
            {"id": 1, "start_offset": 0, "end_offset": 3, "label": "PER"},
            {"id": 2, "start_offset": 9, "end_offset": 13, "label": "PER"},
            {"id": 3, "start_offset": 0, "end_offset": 3, "label": "PER"}],
          "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "MEETS"}, {"id": 2, "from_id": 1, "to_id": 2, "type": "MEETS"},
            {"id": 3, "from_id": 3, "to_id": 2, "type": "MEETS"}, {"id": 4, "from_id": 2, "to_id": 1, "type": "MEETS"}]}"#
            .replace('\n', " ");
        let mut r = report();
        let d = read(&line, &Options::default(), &mut r).unwrap();
        assert_eq!(d.documents[0].entities.len(), 2);
        assert_eq!(d.documents[0].relations.len(), 2, "T1 → T2 and T2 → T1");
        let count = |what: &str| r.losses.iter().find(|l| l.what == what).map(|l| (l.count, l.examples[0].clone()));
        assert_eq!(count(super::super::DUPLICATE_ENTITIES), Some((1, "document doc-0001: PER [0, 3)".to_owned())));
        assert_eq!(count(super::super::DUPLICATE_RELATIONS), Some((2, "document doc-0001: MEETS T1 → T2".to_owned())));
        assert!(!r.to_string().contains("nothing lost"), "{r}");
    }

    proptest! {
        #[test]
        fn round_trip_keeps_what_the_shape_can_hold(x in arb_dataset(true, true), unit in 0usize..3, ner in any::<bool>()) {
            let opts = Options { offsets: Some(Offsets::ALL[unit]), doccano_shape: ner.then_some(Shape::Ner), ..Options::default() };
            let mut w = Report::new(Format::Doccano, Direction::Export);
            let bytes = write(&x, &opts, &mut w).unwrap();
            let back = read(std::str::from_utf8(&bytes).unwrap(), &Options::default(), &mut report()).unwrap();
            let has_relations = x.documents.iter().any(|d| !d.relations.is_empty());
            if ner && has_relations {
                prop_assert!(!w.is_lossless());
            } else {
                prop_assert!(w.is_lossless(), "{}", w);
                prop_assert_eq!(canon(&back), canon(&x));
            }
        }
    }
}
