//! spaCy / Prodigy JSONL: one task a line with `text`, `tokens` (`text`,
//! `start`, `end`, `id`, `ws`), `spans` (`start`, `end`, `token_start`,
//! `token_end`, `label`), `relations` (`head`, `child`, `head_span`,
//! `child_span`, `label`) and `answer`.
//!
//! Owns: the mapping of tasks to documents. Tokens come from
//! [`tokens::segment`], so every span starts and ends on a token and
//! `Doc(vocab, words, spaces)` rebuilds the text exactly. A relation's
//! `head`/`child` are the index of the last token of its span (Prodigy's
//! convention). The answer is `accept` for documents marked done and
//! `ignore` otherwise; the exact status, the document's id, source, extra
//! fields and a non-default offset unit travel in `meta`.
//! Must not touch: files.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::tokens::{self, Index};
use super::{
    FormatError, Offsets, Options, RawDoc, RawEntity, RawRelation, Report, Tokenizer, count_offset, dataset_of, entity_offsets, fields,
    numbered_id,
};
use crate::model::dataset::EntityRecord;
use crate::model::{Dataset, Status, Text};

/// Keys of `meta` that are not document extra fields.
const META_KEYS: [&str; 4] = ["id", "source", "status", "offsets"];

/// Writes one task a line. An entity whose offsets cannot be counted in
/// the unit asked for is an error.
pub fn write(dataset: &Dataset, options: &Options, tokenizer: Tokenizer, report: &mut Report) -> Result<Vec<u8>, FormatError> {
    let unit = options.offsets.unwrap_or_default();
    let mut out = String::new();
    for d in &dataset.documents {
        let text = Text::new(d.text.clone());
        // Each entity's code points, checked against the text.
        let chars = d.entities.iter().map(|e| entity_offsets(&text, Offsets::Chars, &d.id, e)).collect::<Result<Vec<_>, _>>()?;
        let toks = tokens::segment(&text, &tokenizer(&d.text), &chars);
        let index = Index::new(&toks);
        let token_list = toks
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let place = || format!("document {}, token {i}", d.id);
                let (start, end) = (count_offset(&text, unit, t.start as i64, place)?, count_offset(&text, unit, t.end as i64, place)?);
                Ok(json!({"text": tokens::tok_text(&text, t), "start": start, "end": end, "id": i, "ws": t.ws}))
            })
            .collect::<Result<Vec<Value>, FormatError>>()?;
        let span_json = |e: &EntityRecord, (s, end): (usize, usize)| -> Result<Value, FormatError> {
            let (start_at, end_at) = entity_offsets(&text, unit, &d.id, e)?;
            let (ts, te) = index.span(s, end).unwrap_or((0, 0));
            Ok(json!({"start": start_at, "end": end_at, "token_start": ts, "token_end": te, "label": e.label}))
        };
        let spans = d
            .entities
            .iter()
            .zip(&chars)
            .map(|(e, &range)| {
                for key in e.extra.keys() {
                    report.lose(&format!("entity field \"{key}\" (spaCy JSONL has no place for it)"), || {
                        format!("document {}: {}", d.id, e.id)
                    });
                }
                span_json(e, range)
            })
            .collect::<Result<Vec<Value>, FormatError>>()?;
        let find = |id: &str| d.entities.iter().zip(&chars).find(|(e, _)| e.id == id);
        let mut relations: Vec<Value> = Vec::new();
        for r in &d.relations {
            let (Some((h, &head)), Some((c, &child))) = (find(&r.head), find(&r.tail)) else { continue };
            for key in r.extra.keys() {
                report.lose(&format!("relation field \"{key}\" (spaCy JSONL has no place for it)"), || {
                    format!("document {}: {}", d.id, r.id)
                });
            }
            relations.push(json!({
                "head": index.span(head.0, head.1).map_or(0, |x| x.1),
                "child": index.span(child.0, child.1).map_or(0, |x| x.1),
                "head_span": span_json(h, head)?,
                "child_span": span_json(c, child)?,
                "label": r.label,
            }));
        }
        let mut meta = Map::new();
        meta.insert("id".to_owned(), json!(d.id));
        if !d.source.is_empty() {
            meta.insert("source".to_owned(), json!(d.source));
        }
        meta.insert("status".to_owned(), json!(d.status.as_str()));
        if unit != Offsets::Chars {
            meta.insert("offsets".to_owned(), json!(unit.name()));
        }
        for (k, v) in &d.extra {
            if META_KEYS.contains(&k.as_str()) {
                report.lose(&format!("document field \"{k}\" (its name is taken in meta)"), || format!("document {}", d.id));
            } else {
                meta.insert(k.clone(), v.clone());
            }
        }
        let line = json!({
            "text": d.text,
            "tokens": token_list,
            "spans": spans,
            "relations": relations,
            "answer": if d.status == Status::Done { "accept" } else { "ignore" },
            "meta": meta,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    Ok(out.into_bytes())
}

/// Reads one task a line. Spans need `start`/`end`, or `token_start`/
/// `token_end` with tokens; relations are matched to spans by
/// `head_span`/`child_span`, else by the token index of a span's last token.
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
        let Some(Value::String(text)) = obj.remove("text") else {
            return Err(FormatError::new(place("\"text\""), "missing, or not a string"));
        };
        let mut meta = match obj.remove("meta") {
            Some(Value::Object(m)) => m,
            None | Some(Value::Null) => Map::new(),
            Some(v) => return Err(FormatError::new(place("\"meta\""), format!("expected an object, found {v}"))),
        };
        let unit = fields::offsets_unit(meta.remove("offsets").as_ref(), &place("meta.offsets"), &place(""), options, report)?;
        let id = meta.remove("id").as_ref().and_then(fields::id_text).unwrap_or_else(|| numbered_id(docs.len()));
        fields::claim_id(&mut ids, &id, &place("meta.id"))?;
        // meta is free-form: a source that is not a string is not ours.
        let source = fields::source(meta.remove("source").filter(Value::is_string), &place("meta.source"))?;
        let answer = obj.get("answer").and_then(Value::as_str).unwrap_or("");
        let status = fields::status(meta.remove("status").as_ref(), &place("meta.status"))?.or(match answer {
            "accept" => Some(Status::Done),
            "reject" | "ignore" => Some(Status::Skipped),
            _ => None,
        });
        let t = Text::new(text.clone());
        let offset = |v: Option<&Value>, what: &str| fields::offset(&t, unit, v, &place(what));
        // Token index → code-point range, for spans given by tokens only.
        let mut token_ranges: Vec<(usize, usize)> = Vec::new();
        if let Some(Value::Array(toks)) = obj.get("tokens") {
            for (k, tok) in toks.iter().enumerate() {
                let what = format!("token {k}");
                token_ranges.push((offset(tok.get("start"), &format!("{what}, start"))?, offset(tok.get("end"), &format!("{what}, end"))?));
            }
        }
        let span_range = |s: &Value, what: &str| -> Result<(usize, usize, String), FormatError> {
            let label = s.get("label").and_then(Value::as_str).ok_or_else(|| FormatError::new(place(what), "label missing"))?.to_owned();
            let (start, end) = if s.get("start").is_some() || s.get("end").is_some() {
                (offset(s.get("start"), &format!("{what}, start"))?, offset(s.get("end"), &format!("{what}, end"))?)
            } else {
                let tok = |k: &str| -> Result<(usize, usize), FormatError> {
                    let x = s
                        .get(k)
                        .and_then(Value::as_u64)
                        .ok_or_else(|| FormatError::new(place(what), format!("no start/end and no {k}")))?;
                    token_ranges.get(x as usize).copied().ok_or_else(|| FormatError::new(place(what), format!("{k} {x} names no token")))
                };
                (tok("token_start")?.0, tok("token_end")?.1)
            };
            if start >= end {
                return Err(FormatError::new(place(what), format!("start {start} is not before end {end}")));
            }
            Ok((start, end, label))
        };
        let mut raw = RawDoc { id, source, text, status, ..RawDoc::default() };
        let mut by_token_end: Vec<(u64, usize)> = Vec::new();
        if let Some(spans) = obj.get("spans") {
            let Value::Array(spans) = spans else {
                return Err(FormatError::new(place("\"spans\""), "expected a list"));
            };
            for (k, s) in spans.iter().enumerate() {
                let (start, end, label) = span_range(s, &format!("span {}", k + 1))?;
                if let Some(te) = s.get("token_end").and_then(Value::as_u64) {
                    by_token_end.push((te, raw.entities.len()));
                }
                raw.entities.push(RawEntity { start, end, label, ..RawEntity::default() });
            }
        }
        if let Some(Value::Array(relations)) = obj.get("relations") {
            for (k, r) in relations.iter().enumerate() {
                let what = format!("relation {}", k + 1);
                let label =
                    r.get("label").and_then(Value::as_str).ok_or_else(|| FormatError::new(place(&what), "label missing"))?.to_owned();
                let mut end = |span_key: &str, token_key: &str| -> Result<Option<usize>, FormatError> {
                    if let Some(s) = r.get(span_key).filter(|s| s.is_object()) {
                        let (start, end, label) = span_range(s, &format!("{what}, {span_key}"))?;
                        let found = raw.entities.iter().position(|e| e.start == start && e.end == end && e.label == label);
                        return Ok(Some(found.unwrap_or_else(|| {
                            raw.entities.push(RawEntity { start, end, label, ..RawEntity::default() });
                            raw.entities.len() - 1
                        })));
                    }
                    let tok = r.get(token_key).and_then(Value::as_u64);
                    Ok(tok.and_then(|t| by_token_end.iter().find(|&&(te, _)| te == t).map(|&(_, e)| e)))
                };
                match (end("head_span", "head")?, end("child_span", "child")?) {
                    (Some(head), Some(tail)) => {
                        raw.relations.push(RawRelation { head, tail, label, ..RawRelation::default() });
                    }
                    _ => report.lose("relations between tokens that are not spans", || format!("line {n}, {what}")),
                }
            }
        }
        raw.extra = meta.into_iter().collect();
        docs.push(raw.into_record(report));
    }
    Ok(dataset_of(docs, "imported"))
}

#[cfg(test)]
mod tests {
    use super::super::testgen::{arb_dataset, canon};
    use super::super::tokens::test_tokenizer;
    use super::super::{Direction, Format};
    use super::*;
    use proptest::prelude::*;

    fn report() -> Report {
        Report::new(Format::SpacyJsonl, Direction::Import)
    }

    #[test]
    fn writes_tokens_spans_and_relations_the_prodigy_way() {
        let x = super::super::doccano::read(
            r#"{"document_id": "a", "status": "done", "text": "Zoé vit à l'ONU.", "entities": [{"id": 1, "start_offset": 0, "end_offset": 3, "label": "PER"}, {"id": 2, "start_offset": 12, "end_offset": 15, "label": "ORG"}], "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "MEMBER_OF"}]}"#,
            &Options::default(),
            &mut report(),
        )
        .unwrap();
        let mut w = Report::new(Format::SpacyJsonl, Direction::Export);
        let line = String::from_utf8(write(&x, &Options::default(), &test_tokenizer, &mut w).unwrap()).unwrap();
        let v: Value = serde_json::from_str(line.trim()).unwrap();
        let words: Vec<&str> = v["tokens"].as_array().unwrap().iter().map(|t| t["text"].as_str().unwrap()).collect();
        assert_eq!(words, vec!["Zoé", "vit", "à", "l", "'", "ONU", "."]);
        assert_eq!(v["spans"][1], json!({"start": 12, "end": 15, "token_start": 5, "token_end": 5, "label": "ORG"}));
        assert_eq!((v["relations"][0]["head"].as_u64(), v["relations"][0]["child"].as_u64()), (Some(0), Some(5)));
        assert_eq!(v["answer"], "accept");
        assert_eq!(v["meta"]["id"], "a");
        assert!(w.is_lossless(), "{w}");
    }

    #[test]
    fn reads_prodigy_output_without_meta() {
        let line = r#"{"text": "Paul Biya à Yaoundé", "tokens": [{"text": "Paul", "start": 0, "end": 4, "id": 0, "ws": true}, {"text": "Biya", "start": 5, "end": 9, "id": 1, "ws": true}, {"text": "à", "start": 10, "end": 11, "id": 2, "ws": true}, {"text": "Yaoundé", "start": 12, "end": 19, "id": 3, "ws": false}], "spans": [{"token_start": 0, "token_end": 1, "label": "PER"}, {"start": 12, "end": 19, "token_start": 3, "token_end": 3, "label": "GPE"}], "relations": [{"head": 1, "child": 3, "label": "VISITS"}, {"head": 2, "child": 3, "label": "X"}], "answer": "accept", "_input_hash": 1}"#;
        let mut r = report();
        let d = read(line, &Options::default(), &mut r).unwrap();
        let doc = &d.documents[0];
        assert_eq!((doc.id.as_str(), doc.status), ("doc-0001", Status::Done));
        assert_eq!(doc.entities[0].text, "Paul Biya");
        assert_eq!(doc.relations.len(), 1);
        assert_eq!(r.losses.len(), 1, "{r}");
        assert_eq!(doc.extra.len(), 0);
    }

    /// A relation listed twice in spaCy JSONL (Prodigy writes one per
    /// annotator pass) was merged silently; the merge is reported, like a
    /// duplicate span's.
    #[test]
    fn duplicate_relations_and_spans_are_reported() {
        let line = r#"{"text": "Zoé voit Paul", "tokens": [{"text": "Zoé", "start": 0, "end": 3, "id": 0, "ws": true}, {"text": "voit", "start": 4, "end": 8, "id": 1, "ws": true}, {"text": "Paul", "start": 9, "end": 13, "id": 2, "ws": false}], "spans": [{"token_start": 0, "token_end": 0, "label": "PER"}, {"token_start": 2, "token_end": 2, "label": "PER"}, {"token_start": 2, "token_end": 2, "label": "PER"}], "relations": [{"head": 0, "child": 2, "label": "MEETS"}, {"head": 0, "child": 2, "label": "MEETS"}, {"head": 2, "child": 0, "label": "MEETS"}]}"#;
        let mut r = report();
        let d = read(line, &Options::default(), &mut r).unwrap();
        assert_eq!((d.documents[0].entities.len(), d.documents[0].relations.len()), (2, 2));
        let count = |what: &str| r.losses.iter().find(|l| l.what == what).map(|l| (l.count, l.examples[0].clone()));
        assert_eq!(count(super::super::DUPLICATE_ENTITIES), Some((1, "document doc-0001: PER [9, 13)".to_owned())));
        assert_eq!(count(super::super::DUPLICATE_RELATIONS), Some((1, "document doc-0001: MEETS T1 → T2".to_owned())));
    }

    #[test]
    fn bad_lines_name_their_place() {
        for (input, place) in [
            (r#"{"text": "ab", "spans": [{"start": 0, "end": 3, "label": "X"}]}"#, "line 1, span 1, end"),
            (r#"{"text": "ab", "spans": [{"token_start": 0, "token_end": 0, "label": "X"}]}"#, "line 1, span 1"),
            (r#"{"text": "ab", "spans": {}}"#, "line 1, \"spans\""),
            (r#"{"tokens": []}"#, "line 1, \"text\""),
            (r#"{"text": "ab", "meta": {"status": "finished"}}"#, "line 1, meta.status"),
        ] {
            let e = read(input, &Options::default(), &mut report()).unwrap_err();
            assert!(e.place.starts_with(place), "{input}: {e}");
        }
    }

    proptest! {
        #[test]
        fn round_trip(x in arb_dataset(true, true), unit in 0usize..3) {
            let opts = Options { offsets: Some(Offsets::ALL[unit]), ..Options::default() };
            let mut w = Report::new(Format::SpacyJsonl, Direction::Export);
            let bytes = write(&x, &opts, &test_tokenizer, &mut w).unwrap();
            prop_assert!(w.is_lossless(), "{}", w);
            let back = read(std::str::from_utf8(&bytes).unwrap(), &Options::default(), &mut report()).unwrap();
            prop_assert_eq!(canon(&back), canon(&x));
            // Tokens rebuild the text and every span sits on tokens.
            for (line, doc) in std::str::from_utf8(&bytes).unwrap().lines().zip(&x.documents) {
                let v: Value = serde_json::from_str(line).unwrap();
                let rebuilt: String = v["tokens"].as_array().unwrap().iter()
                    .map(|t| format!("{}{}", t["text"].as_str().unwrap(), if t["ws"].as_bool().unwrap() { " " } else { "" })).collect();
                prop_assert_eq!(&rebuilt, &doc.text);
            }
        }
    }
}
