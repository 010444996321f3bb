//! Label Studio tasks: a JSON list of `{"data": {"text": …}, "annotations":
//! [{"result": […]}], "predictions": [{"result": […]}]}`, with `labels`
//! results for spans and `relation` results between them.
//!
//! Owns: the mapping of tasks to documents. Gold spans and relations go to
//! the task's one annotation; pending suggestions (entities marked
//! `"suggestion": {"state": "pending"}`) go to predictions, one per
//! recognizer, with their scores. Label Studio counts a task with an
//! annotation as labelled, so a document not started (status `new`) has
//! none: it carries predictions only (its own spans, if any, in one more,
//! reported). Reading, a task with an annotation is `done` unless `meta`
//! says otherwise, one whose annotations were all cancelled `skipped`. The document's id, source and extra
//! fields travel in `data`, its status and a non-default offset unit in
//! `meta`. `from_name`/`to_name` come from [`Options`].
//! Must not touch: files.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::{FormatError, Offsets, Options, RawDoc, RawEntity, RawRelation, Report, dataset_of, entity_offsets, fields, numbered_id};
use crate::model::{Dataset, Status, Text};

/// The entity field that marks a suggestion (see `model::dataset`).
const SUGGESTION: &str = "suggestion";

/// The loss of a document not started (status `new`) that has spans or
/// relations of its own: Label Studio would count it as labelled with an
/// annotation, so they go to a prediction, and come back as suggestions.
const NEW_AS_PREDICTION: &str = "spans and relations of documents not started (status new), written as a prediction: \
     Label Studio counts a task with an annotation as labelled";

/// The `model_version` of that prediction.
const NEW_MODEL: &str = "spanlab-new";

/// Keys of `data` that are not document extra fields.
const DATA_KEYS: [&str; 3] = ["text", "document_id", "source"];

/// Writes the tasks, numbered from 1 in the dataset's order. An entity
/// whose offsets cannot be counted in the unit asked for is an error.
pub fn write(dataset: &Dataset, options: &Options, report: &mut Report) -> Result<Vec<u8>, FormatError> {
    let unit = options.offsets.unwrap_or_default();
    let mut tasks = Vec::new();
    for (i, d) in dataset.documents.iter().enumerate() {
        let text = Text::new(d.text.clone());
        let mut gold = Vec::new();
        let mut predictions: BTreeMap<String, (Vec<Value>, Vec<f64>)> = BTreeMap::new();
        let mut pending = BTreeSet::new();
        for e in &d.entities {
            let (start, end) = entity_offsets(&text, unit, &d.id, e)?;
            let item = json!({
                "id": e.id,
                "from_name": options.from_name,
                "to_name": options.to_name,
                "type": "labels",
                "value": {"start": start, "end": end, "text": e.text, "labels": [e.label]},
            });
            let suggestion = e.extra.get(SUGGESTION);
            let state = suggestion.and_then(|s| s.get("state")).and_then(Value::as_str);
            for key in e.extra.keys().filter(|k| k.as_str() != SUGGESTION) {
                report
                    .lose(&format!("entity field \"{key}\" (Label Studio has no place for it)"), || format!("document {}: {}", d.id, e.id));
            }
            if state == Some("pending") {
                let recognizer = suggestion.and_then(|s| s.get("recognizer")).and_then(Value::as_str).unwrap_or("spanlab");
                let score = suggestion.and_then(|s| s.get("score")).and_then(Value::as_f64).unwrap_or(0.0);
                let mut item = item;
                if let Some(o) = item.as_object_mut() {
                    o.insert("score".to_owned(), json!(score));
                }
                let p = predictions.entry(recognizer.to_owned()).or_default();
                p.0.push(item);
                p.1.push(score);
                pending.insert(e.id.as_str());
            } else {
                if suggestion.is_some() {
                    report.lose("suggestion provenance of accepted entities (Label Studio has no place for it)", || {
                        format!("document {}: {}", d.id, e.id)
                    });
                }
                gold.push(item);
            }
        }
        for r in &d.relations {
            if pending.contains(r.head.as_str()) || pending.contains(r.tail.as_str()) {
                report.lose("relations to pending suggestions (they are predictions in Label Studio)", || {
                    format!("document {}: {}", d.id, r.id)
                });
                continue;
            }
            gold.push(json!({"from_id": r.head, "to_id": r.tail, "type": "relation", "direction": "right", "labels": [r.label]}));
            for key in r.extra.keys() {
                report.lose(&format!("relation field \"{key}\" (Label Studio has no place for it)"), || {
                    format!("document {}: {}", d.id, r.id)
                });
            }
        }
        let mut data = Map::new();
        data.insert("text".to_owned(), json!(d.text));
        data.insert("document_id".to_owned(), json!(d.id));
        if !d.source.is_empty() {
            data.insert("source".to_owned(), json!(d.source));
        }
        for (k, v) in &d.extra {
            if DATA_KEYS.contains(&k.as_str()) {
                report.lose(&format!("document field \"{k}\" (its name is taken in Label Studio's data)"), || format!("document {}", d.id));
            } else {
                data.insert(k.clone(), v.clone());
            }
        }
        let mut meta = Map::new();
        meta.insert("status".to_owned(), json!(d.status.as_str()));
        if unit != Offsets::Chars {
            meta.insert("offsets".to_owned(), json!(unit.name()));
        }
        let mut predictions: Vec<Value> = predictions
            .into_iter()
            .map(|(model, (result, scores))| {
                let mean = scores.iter().sum::<f64>() / scores.len().max(1) as f64;
                json!({"model_version": model, "score": (mean * 10_000.0).round() / 10_000.0, "result": result})
            })
            .collect();
        let mut task = Map::new();
        task.insert("id".to_owned(), json!(i + 1));
        task.insert("data".to_owned(), Value::Object(data));
        task.insert("meta".to_owned(), Value::Object(meta));
        if d.status == Status::New {
            // Label Studio counts a task with an annotation as labelled: a
            // document nobody has worked on carries predictions only.
            if !gold.is_empty() {
                report.lose(NEW_AS_PREDICTION, || format!("document {}", d.id));
                let mut p = Map::new();
                p.insert("model_version".to_owned(), json!(NEW_MODEL));
                p.insert("result".to_owned(), Value::Array(gold));
                predictions.insert(0, Value::Object(p));
            }
        } else {
            task.insert("annotations".to_owned(), json!([{"result": gold, "was_cancelled": d.status == Status::Skipped}]));
        }
        task.insert("predictions".to_owned(), Value::Array(predictions));
        tasks.push(Value::Object(task));
    }
    let mut out = serde_json::to_string_pretty(&Value::Array(tasks)).unwrap_or_default();
    out.push('\n');
    Ok(out.into_bytes())
}

/// Reads a list of tasks (or one task). Each task's first annotation that
/// was not cancelled is the gold; the others are reported, as are result
/// types other than `labels` and `relation`. Predictions become pending
/// suggestions, except where they overlap a gold span.
pub fn read(input: &str, options: &Options, report: &mut Report) -> Result<Dataset, FormatError> {
    let value: Value =
        serde_json::from_str(input).map_err(|e| FormatError::new(format!("line {}, column {}", e.line(), e.column()), e.to_string()))?;
    let tasks = match value {
        Value::Array(tasks) => tasks,
        task @ Value::Object(_) => vec![task],
        other => return Err(FormatError::new("top level", format!("expected a list of tasks, found {}", kind(&other)))),
    };
    let mut docs = Vec::new();
    let mut ids = BTreeSet::new();
    for (i, task) in tasks.into_iter().enumerate() {
        let n = i + 1;
        let place = |what: &str| if what.is_empty() { format!("task {n}") } else { format!("task {n}, {what}") };
        let Value::Object(mut task) = task else {
            return Err(FormatError::new(place(""), "expected an object"));
        };
        let Some(Value::Object(mut data)) = task.remove("data") else {
            return Err(FormatError::new(place("data"), "missing, or not an object"));
        };
        let Some(Value::String(text)) = data.remove("text") else {
            return Err(FormatError::new(place("data.text"), "missing, or not a string"));
        };
        let meta = match task.remove("meta") {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        let unit = fields::offsets_unit(meta.get("offsets"), &place("meta.offsets"), &place(""), options, report)?;
        let id = match data.remove("document_id") {
            Some(v) => fields::id_text(&v),
            None => task.get("id").and_then(fields::id_text),
        }
        .unwrap_or_else(|| numbered_id(i));
        fields::claim_id(&mut ids, &id, &place("id"))?;
        // data and meta are free-form: a source or a status that is not a
        // string is not ours.
        let source = fields::source(data.remove("source").filter(Value::is_string), &place("data.source"))?;
        let status = fields::status(meta.get("status").filter(|v| v.is_string()), &place("meta.status"))?;
        let t = Text::new(text.clone());
        let mut raw = RawDoc { id: id.clone(), source, text, status, extra: data.into_iter().collect(), ..RawDoc::default() };

        let annotations = match task.remove("annotations").or_else(|| task.remove("completions")) {
            Some(Value::Array(a)) => a,
            None | Some(Value::Null) => Vec::new(),
            Some(_) => return Err(FormatError::new(place("annotations"), "expected a list")),
        };
        let chosen = annotations.iter().position(|a| !a.get("was_cancelled").and_then(Value::as_bool).unwrap_or(false));
        let cancelled_only = chosen.is_none() && !annotations.is_empty();
        if raw.status.is_none() {
            // Label Studio counts a task with an annotation as labelled.
            raw.status = match (chosen, cancelled_only) {
                (_, true) => Some(Status::Skipped),
                (Some(_), _) => Some(Status::Done),
                (None, false) => None,
            };
        }
        let pick = chosen.or(if cancelled_only { Some(0) } else { None });
        for (k, _) in annotations.iter().enumerate().filter(|&(k, _)| Some(k) != pick) {
            report.lose("further annotations of a task (only the first is read)", || format!("task {n}, annotation {}", k + 1));
        }
        if let Some(k) = pick {
            let results = results_of(&annotations[k], &place(&format!("annotation {}", k + 1)))?;
            let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
            let mut rels = Vec::new();
            for (j, r) in results.iter().enumerate() {
                let where_ = place(&format!("annotation {}, result {}", k + 1, j + 1));
                match r.get("type").and_then(Value::as_str) {
                    Some("labels") => {
                        let (start, end, labels) = span_of(r, &t, unit, &where_)?;
                        for label in labels {
                            if let Some(rid) = r.get("id") {
                                by_id.insert(fields::json_key(rid), raw.entities.len());
                            }
                            raw.entities.push(RawEntity { start, end, label, ..RawEntity::default() });
                        }
                    }
                    Some("relation") => rels.push((r, where_)),
                    other => {
                        report.lose(&format!("results of type {} (not spans or relations)", other.unwrap_or("?")), || where_.clone());
                    }
                }
            }
            for (r, where_) in rels {
                let end = |k: &str| -> Result<usize, FormatError> {
                    let v = r.get(k).map(fields::json_key).ok_or_else(|| FormatError::new(where_.clone(), format!("{k} missing")))?;
                    by_id
                        .get(&v)
                        .copied()
                        .ok_or_else(|| FormatError::new(where_.clone(), format!("{k} {v:?} names no span of this annotation")))
                };
                let (head, tail) = if r.get("direction").and_then(Value::as_str) == Some("left") {
                    (end("to_id")?, end("from_id")?)
                } else {
                    (end("from_id")?, end("to_id")?)
                };
                let labels: Vec<String> = r
                    .get("labels")
                    .and_then(Value::as_array)
                    .map(|l| l.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
                    .unwrap_or_default();
                if labels.is_empty() {
                    report.lose("relations without a label (spanlab relations are typed)", || where_.clone());
                }
                if r.get("direction").and_then(Value::as_str) == Some("bi") {
                    report.lose("bidirectional relations (read as head → tail)", || where_.clone());
                }
                for label in labels {
                    raw.relations.push(RawRelation { head, tail, label, ..RawRelation::default() });
                }
            }
        }
        let gold: Vec<(usize, usize)> = raw.entities.iter().map(|e| (e.start, e.end)).collect();
        let predictions = match task.remove("predictions") {
            Some(Value::Array(p)) => p,
            _ => Vec::new(),
        };
        for (k, p) in predictions.iter().enumerate() {
            let model = p.get("model_version").and_then(Value::as_str).unwrap_or("label-studio").to_owned();
            for (j, r) in results_of(p, &place(&format!("prediction {}", k + 1)))?.iter().enumerate() {
                let where_ = place(&format!("prediction {}, result {}", k + 1, j + 1));
                if r.get("type").and_then(Value::as_str) != Some("labels") {
                    report.lose("prediction results other than spans", || where_.clone());
                    continue;
                }
                let (start, end, labels) = span_of(r, &t, unit, &where_)?;
                if gold.iter().any(|&(s, e)| s < end && start < e) {
                    report.lose("predictions overlapping a gold span", || where_.clone());
                    continue;
                }
                let score = r.get("score").or_else(|| p.get("score")).and_then(Value::as_f64).unwrap_or(0.0);
                for label in labels {
                    let mut extra = crate::model::span::Extra::new();
                    extra.insert(SUGGESTION.to_owned(), json!({"recognizer": model, "score": score, "state": "pending"}));
                    raw.entities.push(RawEntity { start, end, label, extra });
                }
            }
        }
        docs.push(raw.into_record(report));
    }
    Ok(dataset_of(docs, "imported"))
}

/// The `result` list of an annotation or a prediction.
fn results_of<'a>(a: &'a Value, place: &str) -> Result<&'a Vec<Value>, FormatError> {
    a.get("result").and_then(Value::as_array).ok_or_else(|| FormatError::new(place, "\"result\" missing, or not a list"))
}

/// The code-point range and labels of a `labels` result.
fn span_of(r: &Value, text: &Text, unit: Offsets, place: &str) -> Result<(usize, usize, Vec<String>), FormatError> {
    let value = r.get("value").ok_or_else(|| FormatError::new(place, "\"value\" missing"))?;
    let at = |k: &str| fields::offset(text, unit, value.get(k), &format!("{place}, value.{k}"));
    let (start, end) = (at("start")?, at("end")?);
    if start >= end {
        return Err(FormatError::new(place, format!("start {start} is not before end {end}")));
    }
    let labels: Vec<String> = value
        .get("labels")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    if labels.is_empty() {
        return Err(FormatError::new(place, "value.labels missing or empty"));
    }
    Ok((start, end, labels))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::super::testgen::{arb_dataset, canon};
    use super::super::{Direction, Format};
    use super::*;
    use proptest::prelude::*;

    fn report() -> Report {
        Report::new(Format::LabelStudio, Direction::Import)
    }

    #[test]
    fn reads_a_label_studio_export() {
        let input = r#"[{"id": 12, "data": {"text": "Zoé 😀 voit Paul à Paris"},
          "annotations": [{"was_cancelled": false, "result": [
            {"id": "a", "from_name": "ner", "to_name": "doc", "type": "labels", "value": {"start": 0, "end": 3, "labels": ["PER"]}},
            {"id": "b", "from_name": "ner", "to_name": "doc", "type": "labels", "value": {"start": 11, "end": 15, "labels": ["PER"]}},
            {"from_id": "b", "to_id": "a", "type": "relation", "direction": "left", "labels": ["MEETS"]},
            {"from_name": "sentiment", "to_name": "doc", "type": "choices", "value": {"choices": ["pos"]}}]},
            {"result": []}],
          "predictions": [{"model_version": "m1", "score": 0.5, "result": [
            {"type": "labels", "value": {"start": 18, "end": 23, "labels": ["LOC"]}, "score": 0.8},
            {"type": "labels", "value": {"start": 0, "end": 3, "labels": ["ORG"]}}]}]}]"#;
        let mut r = report();
        let d = read(input, &Options::default(), &mut r).unwrap();
        let doc = &d.documents[0];
        assert_eq!(doc.id, "12");
        let ents: Vec<(&str, &str)> = doc.entities.iter().map(|e| (e.text.as_str(), e.label.as_str())).collect();
        assert_eq!(ents, vec![("Zoé", "PER"), ("Paul", "PER"), ("Paris", "LOC")]);
        assert_eq!(doc.entities[2].extra[SUGGESTION]["state"], "pending");
        assert_eq!(doc.entities[2].extra[SUGGESTION]["score"], 0.8);
        assert_eq!((doc.relations[0].head.as_str(), doc.relations[0].tail.as_str()), ("T1", "T2"), "direction left swaps");
        let what: Vec<&str> = r.losses.iter().map(|l| l.what.as_str()).collect();
        assert!(what.iter().any(|w| w.contains("choices")), "{r}");
        assert!(what.iter().any(|w| w.contains("further annotations")), "{r}");
        assert!(what.iter().any(|w| w.contains("overlapping a gold span")), "{r}");
    }

    #[test]
    fn pending_suggestions_are_predictions() {
        let input = r#"[{"data": {"text": "Paul à Paris"}, "annotations": [{"result": [
            {"id": "x", "type": "labels", "value": {"start": 0, "end": 4, "labels": ["PER"]}}]}],
            "predictions": [{"model_version": "tagger", "result": [{"type": "labels", "value": {"start": 7, "end": 12, "labels": ["LOC"]}, "score": 0.75}]}]}]"#;
        let x = read(input, &Options::default(), &mut report()).unwrap();
        let mut w = Report::new(Format::LabelStudio, Direction::Export);
        let out = String::from_utf8(write(&x, &Options::default(), &mut w).unwrap()).unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v[0]["predictions"][0]["model_version"], "tagger");
        assert_eq!(v[0]["predictions"][0]["result"][0]["value"]["text"], "Paris");
        assert_eq!(v[0]["annotations"][0]["result"].as_array().unwrap().len(), 1);
        assert!(w.is_lossless(), "{w}");
        let back = read(&out, &Options::default(), &mut report()).unwrap();
        assert_eq!(back.documents[0].entities, x.documents[0].entities);
    }

    #[test]
    fn bad_tasks_name_their_place() {
        for (input, place) in [
            ("{\"x\": 1}", "task 1, data"),
            ("[{\"data\": {\"text\": 5}}]", "task 1, data.text"),
            (
                "[{\"data\": {\"text\": \"ab\"}, \"annotations\": [{\"result\": [{\"type\": \"labels\", \"value\": {\"start\": 0, \"end\": 9, \"labels\": [\"PER\"]}}]}]}]",
                "task 1, annotation 1, result 1",
            ),
            (
                "[{\"data\": {\"text\": \"ab\"}, \"annotations\": [{\"result\": [{\"type\": \"relation\", \"from_id\": \"a\", \"to_id\": \"b\", \"labels\": [\"X\"]}]}]}]",
                "task 1, annotation 1, result 1",
            ),
            ("[{\"data\": {\"text\": \"ab\"}}, 3]", "task 2"),
            ("7", "top level"),
        ] {
            let e = read(input, &Options::default(), &mut report()).unwrap_err();
            assert!(e.place.starts_with(place), "{input}: {e}");
        }
    }

    /// A task with an annotation counts as labelled in Label Studio: a
    /// document with status `new` had `"annotations": [{"result": []}]`
    /// and showed as done there. It carries predictions only now (its own
    /// spans in one, reported); the others keep their annotation.
    #[test]
    fn new_documents_carry_predictions_only() {
        let input = r#"[{"data": {"text": "Paul à Paris"}, "meta": {"status": "new"},
            "predictions": [{"model_version": "tagger", "result": [{"type": "labels", "value": {"start": 7, "end": 12, "labels": ["LOC"]}, "score": 0.75}]}]},
          {"data": {"text": "Zoé"}, "meta": {"status": "new"}, "annotations": [{"result": [
            {"id": "x", "type": "labels", "value": {"start": 0, "end": 3, "labels": ["PER"]}}]}]},
          {"data": {"text": "rien"}, "meta": {"status": "in_progress"}}]"#;
        let x = read(input, &Options::default(), &mut report()).unwrap();
        let mut w = Report::new(Format::LabelStudio, Direction::Export);
        let out = String::from_utf8(write(&x, &Options::default(), &mut w).unwrap()).unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v[0]["annotations"], Value::Null, "{out}");
        assert_eq!(v[0]["predictions"][0]["model_version"], "tagger");
        assert_eq!(v[1]["annotations"], Value::Null, "{out}");
        assert_eq!(v[1]["predictions"][0]["model_version"], NEW_MODEL);
        assert_eq!(v[1]["predictions"][0]["result"][0]["value"]["text"], "Zoé");
        assert_eq!(v[2]["annotations"], json!([{"result": [], "was_cancelled": false}]));
        let loss = w.losses.iter().find(|l| l.what == NEW_AS_PREDICTION).expect("reported");
        assert_eq!((loss.count, loss.examples[0].as_str()), (1, "document doc-0002"));
        let back = read(&out, &Options::default(), &mut report()).unwrap();
        let statuses: Vec<Status> = back.documents.iter().map(|d| d.status).collect();
        assert_eq!(statuses, [Status::New, Status::New, Status::InProgress]);
    }

    /// Tasks labelled in Label Studio (an annotation, no spanlab status in
    /// `meta`) were imported as `new`: they are `done`, and a task whose
    /// annotations were all cancelled is `skipped`.
    #[test]
    fn tasks_done_in_label_studio_import_as_done() {
        let input = r#"[{"id": 1, "data": {"text": "Zoé"}, "annotations": [{"result": [
            {"id": "x", "type": "labels", "value": {"start": 0, "end": 3, "labels": ["PER"]}}]}]},
          {"id": 2, "data": {"text": "rien"}, "annotations": [{"result": []}]},
          {"id": 3, "data": {"text": "non"}, "annotations": [{"result": [], "was_cancelled": true}]},
          {"id": 4, "data": {"text": "pas vu"}, "predictions": [{"result": []}]}]"#;
        let d = read(input, &Options::default(), &mut report()).unwrap();
        let statuses: Vec<(&str, Status)> = d.documents.iter().map(|d| (d.id.as_str(), d.status)).collect();
        assert_eq!(statuses, [("1", Status::Done), ("2", Status::Done), ("3", Status::Skipped), ("4", Status::New)]);
    }

    proptest! {
        #[test]
        fn round_trip(x in arb_dataset(true, true), unit in 0usize..3) {
            let opts = Options { offsets: Some(Offsets::ALL[unit]), from_name: "ner".into(), to_name: "doc".into(), ..Options::default() };
            let mut w = Report::new(Format::LabelStudio, Direction::Export);
            let bytes = write(&x, &opts, &mut w).unwrap();
            // Only a document not started with spans of its own loses them
            // (to a prediction, so to suggestions).
            let new_with_spans = x.documents.iter().any(|d| d.status == Status::New && !d.entities.is_empty());
            prop_assert_eq!(w.is_lossless(), !new_with_spans, "{}", w);
            let back = read(std::str::from_utf8(&bytes).unwrap(), &Options::default(), &mut report()).unwrap();
            if !new_with_spans {
                prop_assert_eq!(canon(&back), canon(&x));
            }
        }
    }
}
