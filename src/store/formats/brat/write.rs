//! Writing a brat folder: a `.txt` and an `.ann` per document, and the
//! `annotation.conf` and `visual.conf` the schema and the data call for.
//!
//! Owns: the lines of an `.ann` file (entities as fragments around line
//! breaks, relations, attributes, normalizations, notes) and the report of
//! what brat cannot hold. Must not touch: reading (`read`), or the file
//! system.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;

use super::{ATTRIBUTES, BRAT, NORMALIZATIONS, NOTE, REFERENCE, is_line_break};
use crate::model::dataset::DocRecord;
use crate::model::schema::parse_hex_color;
use crate::model::{CharIdx, Dataset, Schema, Text};
use crate::store::annotations::file_stem_for_id;
use crate::store::formats::{Offsets, Options, Report, report_dropped_fields};

/// Writes a dataset as a brat folder: `<stem>.txt` and `<stem>.ann` per
/// document, `annotation.conf` and `visual.conf`; sorted by path. What brat
/// cannot hold is recorded in `report`.
pub fn write(dataset: &Dataset, schema: &Schema, options: &Options, report: &mut Report) -> Vec<(String, Vec<u8>)> {
    let unit = options.offsets.unwrap_or_default();
    if unit != Offsets::Chars {
        report.lose("offset unit (brat has no place to record it; read these files back with the same --offsets)", || {
            format!("offsets count {}", unit.name())
        });
    }
    report_dropped_fields(dataset, BRAT, false, &[ATTRIBUTES, NORMALIZATIONS, NOTE], report);
    let mut seen = Seen::default();
    let mut files = Vec::new();
    let mut lower_stems: BTreeMap<String, String> = BTreeMap::new();
    for doc in &dataset.documents {
        if doc.id.is_empty() {
            report.lose("empty document ids (written as %00, read back as \"\\u{0}\")", || "a document with no id".to_owned());
        }
        let stem = file_stem_for_id(&doc.id);
        if let Some(other) = lower_stems.insert(stem.to_lowercase(), doc.id.clone()) {
            report.lose("document ids that differ only in case (their files collide on case-insensitive file systems)", || {
                format!("documents {other} and {}", doc.id)
            });
        }
        let ann = document_ann(doc, unit, &mut seen, report);
        files.push((format!("{stem}.txt"), doc.text.clone().into_bytes()));
        files.push((format!("{stem}.ann"), ann.into_bytes()));
    }
    files.push(("annotation.conf".to_owned(), annotation_conf(schema, &seen).into_bytes()));
    files.push(("visual.conf".to_owned(), visual_conf(schema).into_bytes()));
    files.sort();
    files
}

/// What the documents hold that `annotation.conf` must declare.
#[derive(Default)]
struct Seen {
    /// Entity labels in order of first appearance.
    entity_labels: Vec<String>,
    relation_labels: Vec<String>,
    /// Attribute names and the values they take (empty: binary).
    attributes: BTreeMap<String, BTreeSet<String>>,
    /// Some entities of some document overlap.
    overlap: bool,
}

impl Seen {
    fn entity_label(&mut self, label: &str) {
        if !self.entity_labels.iter().any(|l| l == label) {
            self.entity_labels.push(label.to_owned());
        }
    }

    fn relation_label(&mut self, label: &str) {
        if !self.relation_labels.iter().any(|l| l == label) {
            self.relation_labels.push(label.to_owned());
        }
    }
}

/// One word of an `.ann` line (a type, an attribute name or value):
/// whitespace becomes `_`, and so does the empty word; `true` when it had to.
fn word(s: &str, also: &[char]) -> (String, bool) {
    if s.is_empty() {
        return ("_".to_owned(), true);
    }
    let out: String = s.chars().map(|c| if c.is_whitespace() || is_line_break(c) || also.contains(&c) { '_' } else { c }).collect();
    let changed = out != s;
    (out, changed)
}

/// A word of an `.ann` line, with the loss reported when it had to change.
fn word_reported(s: &str, what: &str, report: &mut Report, example: impl FnOnce() -> String) -> String {
    let (w, changed) = word(s, &[]);
    if changed {
        report.lose(&format!("{what} with spaces or line breaks, or empty (brat's field is one word), written with _"), example);
    }
    w
}

/// A one-line text field: line breaks become spaces; `true` when there were any.
fn one_line(s: &str) -> (String, bool) {
    let out: String = s.chars().map(|c| if is_line_break(c) { ' ' } else { c }).collect();
    let changed = out != s;
    (out, changed)
}

/// The code-point ranges brat's text field can hold for `[start, end)`: the
/// runs between line breaks, plus an empty range at an end that is a line
/// break. `"\nNew\r\nYork"` (0, 10) → `[(0, 0), (1, 4), (6, 10)]`.
pub(super) fn fragments(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut run: Option<usize> = None;
    for (i, c) in text.chars().enumerate().skip(start).take(end.saturating_sub(start)) {
        if is_line_break(c) {
            if i == start {
                out.push((start, start));
            }
            if let Some(s) = run.take() {
                out.push((s, i));
            }
        } else if run.is_none() {
            run = Some(i);
        }
    }
    match run {
        Some(s) => out.push((s, end)),
        None => out.push((end, end)),
    }
    out
}

/// The lines of one `.ann` file by kind, in the order they are written.
#[derive(Default)]
struct AnnLines {
    t: String,
    r: String,
    a: String,
    n: String,
    notes: String,
    /// How many `A`, `N` and `#` lines so far (their ids).
    counts: (usize, usize, usize),
}

/// The `.ann` file of one document.
fn document_ann(doc: &DocRecord, unit: Offsets, seen: &mut Seen, report: &mut Report) -> String {
    let text = Text::new(doc.text.clone());
    let len = text.len_chars();
    let count = |at: usize| unit.from_char(&text, CharIdx::new(at)).unwrap_or(at);
    let mut lines = AnnLines::default();
    let mut numbers: BTreeMap<&str, usize> = BTreeMap::new();
    let mut placed: Vec<(usize, usize)> = Vec::new();
    for e in &doc.entities {
        let in_range = 0 <= e.start && e.start < e.end && e.end as u64 <= len as u64;
        if !in_range {
            report.lose("entities with offsets outside their text (not written)", || {
                format!("document {}: {} [{}, {})", doc.id, e.id, e.start, e.end)
            });
            continue;
        }
        let (start, end) = (e.start as usize, e.end as usize);
        let t = numbers.len() + 1;
        numbers.insert(e.id.as_str(), t);
        placed.push((start, end));
        let label = word_reported(&e.label, "entity labels", report, || format!("document {}: {} {:?}", doc.id, e.id, e.label));
        seen.entity_label(&label);
        let frags = fragments(&doc.text, start, end);
        let spans: Vec<String> = frags.iter().map(|&(s, e)| format!("{} {}", count(s), count(e))).collect();
        let texts: Vec<&str> = frags.iter().map(|&(s, e)| text.slice(CharIdx::new(s), CharIdx::new(e)).unwrap_or("")).collect();
        let _ = writeln!(lines.t, "T{t}\t{label} {}\t{}", spans.join(";"), texts.join(" "));
        let example = || format!("document {}: {}", doc.id, e.id);
        if let Some(value) = e.extra.get(ATTRIBUTES) {
            attribute_lines(value, t, &mut lines, seen, report, example);
        }
        if let Some(value) = e.extra.get(NORMALIZATIONS) {
            normalization_lines(value, t, &mut lines, report, example);
        }
        if let Some(value) = e.extra.get(NOTE) {
            note_lines(value, t, &mut lines, report, example);
        }
    }
    placed.sort_unstable();
    seen.overlap |= placed.windows(2).any(|w| matches!(w, [a, b] if b.0 < a.1));

    let mut r_count = 0;
    for r in &doc.relations {
        let (Some(h), Some(t)) = (numbers.get(r.head.as_str()), numbers.get(r.tail.as_str())) else {
            report.lose("relations whose head or tail is not a written entity (not written)", || {
                format!("document {}: {} ({} → {})", doc.id, r.id, r.head, r.tail)
            });
            continue;
        };
        let label = word_reported(&r.label, "relation labels", report, || format!("document {}: {} {:?}", doc.id, r.id, r.label));
        seen.relation_label(&label);
        r_count += 1;
        let _ = writeln!(lines.r, "R{r_count}\t{label} Arg1:T{h} Arg2:T{t}");
    }
    [lines.t, lines.r, lines.a, lines.n, lines.notes].concat()
}

/// `A` lines for entity `T{t}`'s `attributes` field (name → true or a value).
fn attribute_lines(value: &Value, t: usize, lines: &mut AnnLines, seen: &mut Seen, report: &mut Report, example: impl Fn() -> String) {
    let Value::Object(map) = value else {
        report.lose("entity field \"attributes\" that is not an object (brat's attributes are name → true or a value)", example);
        return;
    };
    for (name, value) in map {
        let name = word_reported(name, "attribute names", report, &example);
        let value = match value {
            Value::Bool(true) => None,
            Value::String(v) => Some(word_reported(v, "attribute values", report, &example)),
            other => {
                report.lose("attribute values other than true or a string (not written)", || format!("{}: {name} = {other}", example()));
                continue;
            }
        };
        lines.counts.0 += 1;
        let a = lines.counts.0;
        let values = seen.attributes.entry(name.clone()).or_default();
        match value {
            None => {
                let _ = writeln!(lines.a, "A{a}\t{name} T{t}");
            }
            Some(v) => {
                let _ = writeln!(lines.a, "A{a}\t{name} T{t} {v}");
                values.insert(v);
            }
        }
    }
}

/// `N` lines for entity `T{t}`'s `normalizations` field.
fn normalization_lines(value: &Value, t: usize, lines: &mut AnnLines, report: &mut Report, example: impl Fn() -> String) {
    let Value::Array(list) = value else {
        report.lose("entity field \"normalizations\" that is not a list", example);
        return;
    };
    for item in list {
        let Some(norm) = normalization(item) else {
            report.lose("normalizations that are not {\"resource\", \"id\", \"text\"} strings (not written)", || {
                format!("{}: {item}", example())
            });
            continue;
        };
        if norm.other_fields {
            report.lose("normalization fields other than resource, id, text and type", &example);
        }
        let (kind, k1) = word(norm.kind, &[]);
        let (resource, k2) = word(norm.resource, &[':']);
        let (id, k3) = word(norm.id, &[]);
        if k1 || k2 || k3 {
            report.lose("normalization types, resources or ids with spaces, colons or line breaks, or empty, written with _", &example);
        }
        let (norm_text, k4) = one_line(norm.text);
        if k4 {
            report.lose("line breaks in normalization texts (brat's text field is one line), written as spaces", &example);
        }
        lines.counts.1 += 1;
        let _ = writeln!(lines.n, "N{}\t{kind} T{t} {resource}:{id}\t{norm_text}", lines.counts.1);
    }
}

/// `#` lines for entity `T{t}`'s `note` field: one a line of the note.
fn note_lines(value: &Value, t: usize, lines: &mut AnnLines, report: &mut Report, example: impl Fn() -> String) {
    let Value::String(note) = value else {
        report.lose("entity field \"note\" that is not a string", example);
        return;
    };
    if note.chars().any(|c| c != '\n' && is_line_break(c)) {
        report.lose("line breaks in notes other than \\n (each note line is one # line), written as \\n", &example);
    }
    let unified: String = note.replace("\r\n", "\n").chars().map(|c| if is_line_break(c) { '\n' } else { c }).collect();
    for line in unified.split('\n') {
        lines.counts.2 += 1;
        let _ = writeln!(lines.notes, "#{}\tAnnotatorNotes T{t}\t{line}", lines.counts.2);
    }
}

/// A normalization object's parts.
struct Normalization<'a> {
    kind: &'a str,
    resource: &'a str,
    id: &'a str,
    text: &'a str,
    other_fields: bool,
}

fn normalization(item: &Value) -> Option<Normalization<'_>> {
    let obj = item.as_object()?;
    let text = match obj.get("text") {
        None => "",
        Some(v) => v.as_str()?,
    };
    let kind = match obj.get("type") {
        None => REFERENCE,
        Some(v) => v.as_str()?,
    };
    Some(Normalization {
        kind,
        resource: obj.get("resource")?.as_str()?,
        id: obj.get("id")?.as_str()?,
        text,
        other_fields: obj.keys().any(|k| !matches!(k.as_str(), "resource" | "id" | "text" | "type")),
    })
}

/// `annotation.conf`: the schema's labels and relation constraints, then
/// labels only the data uses, attributes the data uses, and `<OVERLAP>` when
/// the schema allows overlaps or the data has them.
fn annotation_conf(schema: &Schema, seen: &Seen) -> String {
    let mut out = format!("# brat annotation configuration, written by spanlab from the schema {:?}.\n[entities]\n", schema.name);
    let mut entities: Vec<String> = schema.entity_labels.iter().map(|l| word(&l.name, &[]).0).collect();
    for l in &seen.entity_labels {
        if !entities.contains(l) {
            entities.push(l.clone());
        }
    }
    for l in &entities {
        let _ = writeln!(out, "{l}");
    }
    out.push_str("\n[relations]\n");
    let ends = |labels: &[String]| {
        if labels.is_empty() { "<ENTITY>".to_owned() } else { labels.iter().map(|l| word(l, &[]).0).collect::<Vec<_>>().join("|") }
    };
    let mut relations: Vec<String> = Vec::new();
    for r in &schema.relation_labels {
        let name = word(&r.name, &[]).0;
        let _ = writeln!(out, "{name}\tArg1:{}, Arg2:{}", ends(&r.head), ends(&r.tail));
        relations.push(name);
    }
    for l in seen.relation_labels.iter().filter(|l| !relations.contains(l)) {
        let _ = writeln!(out, "{l}\tArg1:<ENTITY>, Arg2:<ENTITY>");
    }
    if schema.allow_overlap || seen.overlap {
        out.push_str("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n");
    }
    out.push_str("\n[events]\n\n[attributes]\n");
    for (name, values) in &seen.attributes {
        if values.is_empty() {
            let _ = writeln!(out, "{name}\tArg:<ENTITY>");
        } else {
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            let _ = writeln!(out, "{name}\tArg:<ENTITY>, Value:{}", values.join("|"));
        }
    }
    out
}

/// `visual.conf`: the schema's entity colours.
fn visual_conf(schema: &Schema) -> String {
    let mut out = String::from("[labels]\n\n[drawing]\n");
    for l in &schema.entity_labels {
        if parse_hex_color(&l.color).is_some() {
            let _ = writeln!(out, "{}\tbgColor:{}", word(&l.name, &[]).0, l.color);
        }
    }
    out
}
