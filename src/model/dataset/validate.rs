//! Validation of document records under a schema: each problem names the
//! document and the entity or relation it is in.
//!
//! Must not touch: files (the store reads and writes them).

use std::collections::{BTreeMap, BTreeSet};

use super::{DocRecord, Problem};
use crate::model::document::sha256_hex;
use crate::model::schema::Schema;
use crate::model::text::{CharIdx, Text};

/// Problems of one document record under a schema.
pub fn validate_record(d: &DocRecord, name: &str, schema: &Schema) -> Vec<Problem> {
    validate_record_in(d, name, schema, &Text::new(d.text.clone()), true)
}

/// [`validate_record`] of a record just made from `text` (its `text` is
/// `text`'s and its `sha256` was computed from it): the text is not
/// copied, indexed or hashed again.
pub fn validate_made_record(d: &DocRecord, name: &str, schema: &Schema, text: &Text) -> Vec<Problem> {
    validate_record_in(d, name, schema, text, false)
}

/// [`validate_record`] with `text` the record's text already indexed;
/// `check_hash: false` when its `sha256` is known to be that of the text
/// (a record just made from a document), which spares hashing it again.
pub(super) fn validate_record_in(d: &DocRecord, name: &str, schema: &Schema, text: &Text, check_hash: bool) -> Vec<Problem> {
    let mut out = Vec::new();
    let doc = Some(name);
    let len = text.len_chars();
    if check_hash && !d.sha256.is_empty() && !d.sha256.eq_ignore_ascii_case(&sha256_hex(&d.text)) {
        out.push(Problem::new(doc, None, "sha256 does not match the SHA-256 of the text"));
    }
    let mut ids = BTreeMap::new();
    let mut placed: Vec<(i64, i64, &str, &str)> = Vec::new();
    for (i, e) in d.entities.iter().enumerate() {
        let item = Some(if e.id.is_empty() { format!("entities[{i}]") } else { format!("entity {}", e.id) });
        if e.id.is_empty() {
            out.push(Problem::new(doc, item.clone(), "id is empty"));
        } else if ids.insert(e.id.as_str(), (e.label.as_str(), i)).is_some() {
            out.push(Problem::new(doc, item.clone(), "duplicate entity id in this document"));
        }
        if !(0 <= e.start && e.start < e.end && e.end as u64 <= len as u64) {
            out.push(Problem::new(
                doc,
                item.clone(),
                format!("offsets [{}, {}) out of range for a text of {len} code points (need 0 <= start < end <= length)", e.start, e.end),
            ));
        } else {
            let actual = text.slice(CharIdx::new(e.start as usize), CharIdx::new(e.end as usize)).unwrap_or("");
            if actual != e.text {
                out.push(Problem::new(
                    doc,
                    item.clone(),
                    format!("text[{}:{}] is {:?} but the entity's text is {:?} (offsets are code points)", e.start, e.end, actual, e.text),
                ));
            }
            placed.push((e.start, e.end, e.id.as_str(), e.label.as_str()));
        }
        if schema.entity(&e.label).is_none() {
            out.push(Problem::new(
                doc,
                item,
                format!("unknown label {:?} (schema {} has {})", e.label, schema.name, schema.entity_names().join(", ")),
            ));
        }
    }
    if !schema.allow_overlap {
        placed.sort();
        let mut reach: Option<(i64, &str, &str)> = None;
        for &(s, e, id, label) in &placed {
            if let Some((end, other, other_label)) = reach
                && s < end
            {
                out.push(Problem::new(
                    doc,
                    Some(format!("entity {id}")),
                    format!("{label} [{s}, {e}) overlaps entity {other} ({other_label}); the schema forbids overlapping spans"),
                ));
            }
            if reach.is_none_or(|(end, _, _)| e > end) {
                reach = Some((e, id, label));
            }
        }
    }
    let mut rel_ids = BTreeSet::new();
    for (i, r) in d.relations.iter().enumerate() {
        let item = Some(if r.id.is_empty() { format!("relations[{i}]") } else { format!("relation {}", r.id) });
        if r.id.is_empty() {
            out.push(Problem::new(doc, item.clone(), "id is empty"));
        } else if !rel_ids.insert(r.id.as_str()) {
            out.push(Problem::new(doc, item.clone(), "duplicate relation id in this document"));
        }
        let head = ids.get(r.head.as_str());
        let tail = ids.get(r.tail.as_str());
        for (end, name, found) in [("head", &r.head, head), ("tail", &r.tail, tail)] {
            if found.is_none() {
                out.push(Problem::new(doc, item.clone(), format!("{end} {name:?} names no entity of this document (dangling relation)")));
            }
        }
        match schema.relation(&r.label) {
            None => out.push(Problem::new(doc, item, format!("unknown relation label {:?}", r.label))),
            Some(rl) => {
                if let (Some((h, _)), Some((t, _))) = (head, tail)
                    && !rl.allows(h, t)
                {
                    out.push(Problem::new(
                        doc,
                        item,
                        format!("{} is not allowed from {h} to {t} (allowed: {} → {})", r.label, or_any(&rl.head), or_any(&rl.tail)),
                    ));
                }
            }
        }
    }
    out
}

fn or_any(labels: &[String]) -> String {
    if labels.is_empty() { "any".to_owned() } else { labels.join("|") }
}
