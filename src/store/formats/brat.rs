//! brat standoff folders (<https://brat.nlplab.org/standoff.html>): one
//! `<name>.txt` (the text, byte for byte) and one `<name>.ann` (the
//! annotations) per document, with an `annotation.conf` and a `visual.conf`
//! made from the schema.
//!
//! Owns: the mapping between [`Dataset`] and brat's files, given and returned
//! as bytes by relative path. Must not touch: the file system (`store::convert`
//! reads and writes the paths) or other formats.
//!
//! What maps to what:
//! - `T1\tPER 155 169\tSergueï Lavrov`: an entity. Offsets count code points
//!   (brat counts Python `str` indices) unless `--offsets` says otherwise;
//!   brat has nowhere to record the unit. brat's text field is one line, so
//!   an entity holding line breaks is written as fragments split around them
//!   (`T3\tLOC 0 3;4 8\tNew York`), with an empty fragment at an end that is
//!   a line break (`0 0;1 6` for `"\nParis"`). Reading takes the covering
//!   span, which gives such an entity back exactly; fragments with anything
//!   but line breaks between them are reported as a loss.
//! - `R1\tMEETS Arg1:T1 Arg2:T2`: a relation.
//! - `A1\tNegated T1`, `A2\tConfidence T1 High` (`M` of old brat):
//!   the entity's `attributes` field, `{"Negated": true, "Confidence": "High"}`.
//! - `N1\tReference T1 Wikipedia:534366\tBarack Obama`: the entity's
//!   `normalizations` field, `[{"resource", "id", "text"}]` (with `"type"`
//!   when it is not `Reference`).
//! - `#1\tAnnotatorNotes T1\tthe note`: the entity's `note` field; a note of
//!   several lines is several `#` lines, joined with `\n` on reading.
//! - Events (`E`), equivalences (`*`) and attributes, normalizations or notes
//!   of anything but an entity are reported as losses; the document status,
//!   its other fields and other entity and relation fields as well.
//!
//! brat has no id field: a document's file stem is its id, made safe by
//! [`file_stem_for_id`] (`"2016/01/a b"` → `2016%2F01%2Fa%20b.txt`) and
//! percent-decoded on reading.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::{
    FormatError, Offsets, Options, RawDoc, RawEntity, RawRelation, Report, Source, convert_offset, dataset_of, report_dropped_fields,
    resolve_offsets,
};
use crate::model::dataset::DocRecord;
use crate::model::schema::parse_hex_color;
use crate::model::{CharIdx, Dataset, Schema, Text};
use crate::store::annotations::file_stem_for_id;

/// The format's name in loss reports.
const BRAT: &str = "brat";
/// The entity fields brat carries.
const ATTRIBUTES: &str = "attributes";
const NORMALIZATIONS: &str = "normalizations";
const NOTE: &str = "note";
/// The normalization type brat's own tools write.
const REFERENCE: &str = "Reference";

/// Characters that end a line for brat (Python's `str.splitlines`): none may
/// appear in an `.ann` text field.
fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

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
fn fragments(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
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

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

/// Reads a brat folder: every `.ann` with its `.txt`, and every `.txt`
/// alone as a document without annotations. Other files (the `.conf`s) and
/// hidden ones are ignored. A one-file source is read as a folder of that
/// file. Errors name the file and line.
pub fn read(source: &Source, options: &Options, report: &mut Report) -> Result<Dataset, FormatError> {
    let unit = resolve_offsets(None, options.offsets)?;
    report.offsets = unit;
    let one;
    let files: &[(String, Vec<u8>)] = match source {
        Source::Folder(files) => files,
        Source::File { name, bytes } => {
            one = [(name.clone(), bytes.clone())];
            &one
        }
    };
    // Stem (path without extension) → (.txt, .ann).
    type Pair<'a> = (Option<(&'a str, &'a [u8])>, Option<(&'a str, &'a [u8])>);
    let mut pairs: BTreeMap<&str, Pair> = BTreeMap::new();
    for (path, bytes) in files {
        if path.split(['/', '\\']).any(|c| c.starts_with('.') && c != "." && c != "..") {
            continue;
        }
        if let Some(stem) = path.strip_suffix(".txt") {
            pairs.entry(stem).or_default().0 = Some((path, bytes));
        } else if let Some(stem) = path.strip_suffix(".ann") {
            pairs.entry(stem).or_default().1 = Some((path, bytes));
        }
    }
    let mut ids: BTreeMap<String, &str> = BTreeMap::new();
    let mut records = Vec::new();
    for (stem, (txt, ann)) in pairs {
        let Some((txt_path, txt_bytes)) = txt else {
            let path = ann.map_or(stem, |(p, _)| p);
            return Err(FormatError::new(path, format!("no {stem}.txt beside it (brat's annotations need their text)")));
        };
        let id = id_for_stem(stem);
        if let Some(first) = ids.insert(id.clone(), txt_path) {
            return Err(FormatError::new(txt_path, format!("document id {id:?} is also the id of {first}")));
        }
        let text = utf8(txt_path, txt_bytes)?.to_owned();
        let mut raw = RawDoc { id, source: txt_path.to_owned(), text, ..RawDoc::default() };
        if let Some((ann_path, ann_bytes)) = ann {
            let ann_text = utf8(ann_path, ann_bytes)?;
            let ann_text = ann_text.strip_prefix('\u{FEFF}').unwrap_or(ann_text);
            let (entities, relations) = parse_ann(ann_path, ann_text, &raw.text, unit, report)?;
            raw.entities = entities;
            raw.relations = relations;
        }
        records.push(raw.into_record(report));
    }
    Ok(dataset_of(records, BRAT))
}

/// A document id from a file stem: each path component percent-decoded
/// (taken as it is when it is not valid percent-encoded UTF-8), joined by `/`.
fn id_for_stem(stem: &str) -> String {
    stem.split('/').map(percent_decode).collect::<Vec<_>>().join("/")
}

fn percent_decode(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b != b'%' {
            out.push(b);
            continue;
        }
        let (Some(hi), Some(lo)) = (bytes.next(), bytes.next()) else { return s.to_owned() };
        let (Some(hi), Some(lo)) = ((hi as char).to_digit(16), (lo as char).to_digit(16)) else { return s.to_owned() };
        out.push((hi * 16 + lo) as u8);
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

/// A file's bytes as UTF-8, or an error naming the file and line.
fn utf8<'a>(path: &str, bytes: &'a [u8]) -> Result<&'a str, FormatError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let before = bytes.get(..e.valid_up_to()).unwrap_or(&[]);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        FormatError::new(format!("{path} line {line}"), format!("invalid UTF-8 at byte {}", e.valid_up_to()))
    })
}

/// What an id of an `.ann` file names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A text-bound annotation: the entity at this index.
    Entity(usize),
    Relation,
    Event,
    /// An attribute, normalization or note.
    Other,
}

/// A line whose references are resolved once every id is known.
enum Pending<'a> {
    Relation { label: &'a str, head: &'a str, tail: &'a str },
    Event { label: &'a str, refs: Vec<&'a str> },
    Attribute { name: &'a str, target: &'a str, value: Option<&'a str> },
    Normalization { kind: &'a str, target: &'a str, resource: &'a str, id: &'a str, text: &'a str },
    Note { target: &'a str, text: &'a str },
    Equivalence { refs: Vec<&'a str> },
}

/// The entities and relations of one `.ann` file over its text.
fn parse_ann(
    path: &str,
    ann: &str,
    text: &str,
    unit: Offsets,
    report: &mut Report,
) -> Result<(Vec<RawEntity>, Vec<RawRelation>), FormatError> {
    let text = Text::new(text.to_owned());
    let mut ids: BTreeMap<&str, (Kind, usize)> = BTreeMap::new();
    let mut entities: Vec<RawEntity> = Vec::new();
    let mut pending: Vec<(usize, &str, Pending)> = Vec::new();
    for (i, raw) in ann.split('\n').enumerate() {
        let n = i + 1;
        let err = |message: String| FormatError::new(format!("{path} line {n}"), message);
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        let Some((id, rest)) = line.split_once('\t') else {
            return Err(err(format!("expected an id, a tab and an annotation, found {line:?}")));
        };
        let kind = match id.chars().next() {
            Some('T') => {
                let entity = parse_textbound(rest, &text, unit, id, report, &format!("{path} line {n}")).map_err(err)?;
                entities.push(entity);
                Kind::Entity(entities.len() - 1)
            }
            Some('R') => {
                let mut words = rest.split_whitespace();
                let label = words.next().ok_or_else(|| err(format!("relation {id} has no type")))?;
                let args: Vec<(&str, &str)> = words
                    .map(|w| w.split_once(':').ok_or_else(|| err(format!("relation {id}: expected ROLE:ID, found {w:?}"))))
                    .collect::<Result<_, _>>()?;
                let [a, b] = args.as_slice() else {
                    return Err(err(format!("relation {id} has {} arguments, expected two (Arg1:ID Arg2:ID)", args.len())));
                };
                let (head, tail) = if a.0 == "Arg2" && b.0 == "Arg1" { (b.1, a.1) } else { (a.1, b.1) };
                pending.push((n, id, Pending::Relation { label, head, tail }));
                Kind::Relation
            }
            Some('E') => {
                let mut words = rest.split_whitespace();
                let first = words.next().ok_or_else(|| err(format!("event {id} has no type")))?;
                let (label, trigger) =
                    first.split_once(':').ok_or_else(|| err(format!("event {id}: expected TYPE:TRIGGER, found {first:?}")))?;
                let mut refs = vec![trigger];
                for w in words {
                    let (_, r) = w.split_once(':').ok_or_else(|| err(format!("event {id}: expected ROLE:ID, found {w:?}")))?;
                    refs.push(r);
                }
                pending.push((n, id, Pending::Event { label, refs }));
                Kind::Event
            }
            Some('A' | 'M') => {
                let words: Vec<&str> = rest.split_whitespace().collect();
                let (name, target, value) = match words.as_slice() {
                    [name, target] => (*name, *target, None),
                    [name, target, value] => (*name, *target, Some(*value)),
                    _ => return Err(err(format!("attribute {id}: expected NAME ID [VALUE], found {rest:?}"))),
                };
                pending.push((n, id, Pending::Attribute { name, target, value }));
                Kind::Other
            }
            Some('N') => {
                let (head, text) = rest.split_once('\t').unwrap_or((rest, ""));
                let words: Vec<&str> = head.split_whitespace().collect();
                let [kind, target, reference] = words.as_slice() else {
                    return Err(err(format!("normalization {id}: expected TYPE ID RESOURCE:ID, found {head:?}")));
                };
                let (resource, rid) = reference
                    .split_once(':')
                    .ok_or_else(|| err(format!("normalization {id}: expected RESOURCE:ID, found {reference:?}")))?;
                pending.push((n, id, Pending::Normalization { kind, target, resource, id: rid, text }));
                Kind::Other
            }
            Some('#') => {
                let (head, text) = rest.split_once('\t').unwrap_or((rest, ""));
                let words: Vec<&str> = head.split_whitespace().collect();
                let [_, target] = words.as_slice() else {
                    return Err(err(format!("note {id}: expected TYPE ID, found {head:?}")));
                };
                pending.push((n, id, Pending::Note { target, text }));
                Kind::Other
            }
            Some('*') => {
                let mut words = rest.split_whitespace();
                words.next().ok_or_else(|| err("equivalence with no type".to_owned()))?;
                let refs: Vec<&str> = words.collect();
                if refs.len() < 2 {
                    return Err(err(format!("equivalence names {} ids, expected two or more", refs.len())));
                }
                pending.push((n, id, Pending::Equivalence { refs }));
                // `*` lines share the id `*`: they are never referred to.
                continue;
            }
            _ => return Err(err(format!("unknown annotation type {id:?} (brat's are T, R, E, A, M, N, # and *)"))),
        };
        if let Some((_, first)) = ids.insert(id, (kind, n)) {
            return Err(err(format!("id {id} is already used on line {first}")));
        }
    }

    let mut relations = Vec::new();
    let mut attributes: BTreeMap<usize, Map<String, Value>> = BTreeMap::new();
    let mut normalizations: BTreeMap<usize, Vec<Value>> = BTreeMap::new();
    let mut notes: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for (n, id, p) in pending {
        let resolve = |target: &str| {
            ids.get(target)
                .map(|&(k, _)| k)
                .ok_or_else(|| FormatError::new(format!("{path} line {n}"), format!("{id} refers to {target:?}, which no line defines")))
        };
        let example = || format!("{path} line {n}: {id}");
        match p {
            Pending::Relation { label, head, tail } => match (resolve(head)?, resolve(tail)?) {
                (Kind::Entity(h), Kind::Entity(t)) => {
                    relations.push(RawRelation { head: h, tail: t, label: label.to_owned(), ..RawRelation::default() })
                }
                _ => report.lose("relations to events or other relations (spanlab relations join entities)", example),
            },
            Pending::Event { label, refs } => {
                for r in refs {
                    resolve(r)?;
                }
                report.lose("events (E lines; spanlab has no events; their triggers are kept as entities)", || {
                    format!("{path} line {n}: {id} {label}")
                });
            }
            Pending::Attribute { name, target, value } => match resolve(target)? {
                Kind::Entity(e) => {
                    let map = attributes.entry(e).or_default();
                    if map.contains_key(name) {
                        report.lose("repeated attributes of one entity (the first is kept)", example);
                    } else {
                        map.insert(name.to_owned(), value.map_or(Value::Bool(true), |v| Value::String(v.to_owned())));
                    }
                }
                _ => report.lose("attributes of relations, events or other annotations", example),
            },
            Pending::Normalization { kind, target, resource, id: rid, text } => match resolve(target)? {
                Kind::Entity(e) => {
                    let mut obj = Map::new();
                    obj.insert("resource".to_owned(), Value::String(resource.to_owned()));
                    obj.insert("id".to_owned(), Value::String(rid.to_owned()));
                    obj.insert("text".to_owned(), Value::String(text.to_owned()));
                    if kind != REFERENCE {
                        obj.insert("type".to_owned(), Value::String(kind.to_owned()));
                    }
                    normalizations.entry(e).or_default().push(Value::Object(obj));
                }
                _ => report.lose("normalizations of relations, events or other annotations", example),
            },
            Pending::Note { target, text } => match resolve(target)? {
                Kind::Entity(e) => notes.entry(e).or_default().push(text),
                Kind::Relation => report.lose("notes on relations (spanlab relations have no note)", example),
                _ => report.lose("notes on events or other annotations", example),
            },
            Pending::Equivalence { refs } => {
                for r in refs {
                    resolve(r)?;
                }
                report.lose("equivalences (* lines; spanlab has no equivalence sets)", || format!("{path} line {n}"));
            }
        }
    }
    for (e, map) in attributes {
        if let Some(entity) = entities.get_mut(e) {
            entity.extra.insert(ATTRIBUTES.to_owned(), Value::Object(map));
        }
    }
    for (e, list) in normalizations {
        if let Some(entity) = entities.get_mut(e) {
            entity.extra.insert(NORMALIZATIONS.to_owned(), Value::Array(list));
        }
    }
    for (e, note) in notes {
        if let Some(entity) = entities.get_mut(e) {
            entity.extra.insert(NOTE.to_owned(), Value::String(note.join("\n")));
        }
    }
    Ok((entities, relations))
}

/// The entity of a `T` line, given what follows its id
/// (`PER 0 5;6 10\tNew York`); a message saying what is wrong otherwise.
fn parse_textbound(rest: &str, text: &Text, unit: Offsets, id: &str, report: &mut Report, place: &str) -> Result<RawEntity, String> {
    let shape = || format!("entity {id}: expected TYPE START END[;START END…], a tab and the text, found {rest:?}");
    let (head, field) = rest.split_once('\t').ok_or_else(shape)?;
    let (label, spans) = head.split_once(' ').ok_or_else(shape)?;
    if label.is_empty() {
        return Err(shape());
    }
    let mut frags = Vec::new();
    for frag in spans.split(';') {
        let words: Vec<&str> = frag.split_whitespace().collect();
        let [s, e] = words.as_slice() else {
            return Err(format!("entity {id}: expected START END, found {frag:?}"));
        };
        let number = |w: &str| w.parse::<i64>().map_err(|_| format!("entity {id}: offset {w:?} is not a number"));
        let (s, e) = (number(s)?, number(e)?);
        if s > e {
            return Err(format!("entity {id}: fragment {s} {e} starts after it ends"));
        }
        let s = convert_offset(text, unit, s).map_err(|m| format!("entity {id}: {m}"))?;
        let e = convert_offset(text, unit, e).map_err(|m| format!("entity {id}: {m}"))?;
        frags.push((s.get(), e.get()));
    }
    let slice = |s: usize, e: usize| text.slice(CharIdx::new(s), CharIdx::new(e)).unwrap_or("");
    let joined = frags.iter().map(|&(s, e)| slice(s, e)).collect::<Vec<_>>().join(" ");
    if joined != field {
        return Err(format!("entity {id}: the text at {spans} is {joined:?} but the line says {field:?}"));
    }
    let start = frags.iter().map(|f| f.0).min().unwrap_or(0);
    let end = frags.iter().map(|f| f.1).max().unwrap_or(0);
    if start >= end {
        return Err(format!("entity {id} covers no text ({spans})"));
    }
    frags.sort_unstable();
    let mut reach = start;
    let mut exact = true;
    for &(s, e) in &frags {
        if s > reach && !slice(reach, s).chars().all(is_line_break) {
            exact = false;
        }
        reach = reach.max(e);
    }
    if !exact {
        report.lose("discontinuous spans imported as their covering span", || format!("{place}: {id} {label} {spans}"));
    }
    Ok(RawEntity { start, end, label: label.to_owned(), ..RawEntity::default() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::store::formats::testgen::{arb_dataset, canon};
    use crate::store::formats::{Direction, Format};
    use proptest::prelude::*;
    use serde_json::json;

    fn folder(files: &[(&str, &str)]) -> Source {
        let mut files: Vec<(String, Vec<u8>)> = files.iter().map(|(p, b)| ((*p).to_owned(), b.as_bytes().to_vec())).collect();
        files.sort();
        Source::Folder(files)
    }

    fn import(source: &Source, offsets: Option<Offsets>) -> Result<(Dataset, Report), FormatError> {
        let mut report = Report::new(Format::Brat, Direction::Import);
        let options = Options { offsets, ..Options::default() };
        let d = read(source, &options, &mut report)?;
        Ok((d, report))
    }

    fn export(dataset: &Dataset, schema: &Schema, offsets: Option<Offsets>) -> (Vec<(String, Vec<u8>)>, Report) {
        let mut report = Report::new(Format::Brat, Direction::Export);
        let options = Options { offsets, ..Options::default() };
        let files = write(dataset, schema, &options, &mut report);
        (files, report)
    }

    fn file<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a str {
        let bytes = files.iter().find(|(p, _)| p == name).map(|(_, b)| b.as_slice()).unwrap_or_default();
        std::str::from_utf8(bytes).unwrap()
    }

    fn losses(report: &Report) -> Vec<(String, usize)> {
        report.losses.iter().map(|l| (l.what.clone(), l.count)).collect()
    }

    const LAVROV: &str = "Sergueï Lavrov a rencontré Wang Yi à New\nYork le 3 mai.\n";

    /// A dataset of one document from `(start, end, label, extra)` and
    /// `(head index, tail index, label)`.
    fn one_doc(id: &str, text: &str, ents: Vec<(usize, usize, &str, Value)>, rels: &[(usize, usize, &str)]) -> Dataset {
        let mut report = Report::new(Format::Spanlab, Direction::Import);
        let entities = ents
            .into_iter()
            .map(|(start, end, label, extra)| RawEntity {
                start,
                end,
                label: label.to_owned(),
                extra: serde_json::from_value(extra).unwrap(),
            })
            .collect();
        let relations =
            rels.iter().map(|&(head, tail, label)| RawRelation { head, tail, label: label.to_owned(), ..RawRelation::default() }).collect();
        let raw = RawDoc { id: id.to_owned(), text: text.to_owned(), entities, relations, ..RawDoc::default() };
        dataset_of(vec![raw.into_record(&mut report)], "news")
    }

    #[test]
    fn reads_a_hand_written_folder_with_every_line_type() {
        let ann = "T1\tPER 0 14\tSergueï Lavrov\n\
                   T2\tPER 27 34\tWang Yi\r\n\
                   T3\tGPE 37 40;41 45\tNew York\n\
                   T4\tEVENT 17 26\trencontré\n\
                   T5\tDATE 49 50;51 54\t3 mai\n\
                   \n\
                   R1\tMEETS Arg1:T1 Arg2:T2\t\n\
                   E1\tEVENT:T4 Agent:T1 Theme:T2\n\
                   R2\tLOCATED_IN Arg1:E1 Arg2:T3\n\
                   A1\tNegated T1\n\
                   M2\tConfidence T1 High\n\
                   A3\tNegated E1\n\
                   N1\tReference T1 Wikidata:Q1\tSergueï Lavrov\n\
                   N2\tGazetteer T3 GeoNames:5128581\tNew York City\n\
                   #1\tAnnotatorNotes T1\tRussian foreign minister\n\
                   #2\tAnnotatorNotes T1\tsince 2004\n\
                   #3\tAnnotatorNotes R1\ta note on a relation\n\
                   *\tEquiv T1 T2\n";
        let source = folder(&[
            ("2016%2F01%2Flavrov.txt", LAVROV),
            ("2016%2F01%2Flavrov.ann", ann),
            ("empty.txt", "Rien."),
            ("annotation.conf", "[entities]\nPER\n"),
            (".DS_Store", "\u{0}\u{1}"),
        ]);
        let (d, report) = import(&source, None).unwrap();
        assert_eq!(d.documents.len(), 2);
        let doc = &d.documents[0];
        assert_eq!(doc.id, "2016/01/lavrov");
        assert_eq!(doc.source, "2016%2F01%2Flavrov.txt");
        assert_eq!(doc.text, LAVROV);
        assert_eq!(doc.status, Status::New);
        let got: Vec<(i64, i64, &str, &str)> = doc.entities.iter().map(|e| (e.start, e.end, e.label.as_str(), e.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (0, 14, "PER", "Sergueï Lavrov"),
                (17, 26, "EVENT", "rencontré"),
                (27, 34, "PER", "Wang Yi"),
                (37, 45, "GPE", "New\nYork"),
                (49, 54, "DATE", "3 mai"),
            ]
        );
        let lavrov = &doc.entities[0];
        assert_eq!(lavrov.extra.get(ATTRIBUTES), Some(&json!({"Negated": true, "Confidence": "High"})));
        assert_eq!(lavrov.extra.get(NORMALIZATIONS), Some(&json!([{"resource": "Wikidata", "id": "Q1", "text": "Sergueï Lavrov"}])));
        assert_eq!(lavrov.extra.get(NOTE), Some(&json!("Russian foreign minister\nsince 2004")));
        assert_eq!(
            doc.entities[3].extra.get(NORMALIZATIONS),
            Some(&json!([{"resource": "GeoNames", "id": "5128581", "text": "New York City", "type": "Gazetteer"}]))
        );
        assert!(doc.entities[1].extra.is_empty() && doc.entities[2].extra.is_empty() && doc.entities[4].extra.is_empty());
        let rels: Vec<(&str, &str, &str)> = doc.relations.iter().map(|r| (r.head.as_str(), r.tail.as_str(), r.label.as_str())).collect();
        assert_eq!(rels, [("T1", "T3", "MEETS")]);
        assert_eq!(d.documents[1].id, "empty");
        assert!(d.documents[1].entities.is_empty());
        assert_eq!(
            losses(&report),
            [
                ("discontinuous spans imported as their covering span".to_owned(), 1),
                ("events (E lines; spanlab has no events; their triggers are kept as entities)".to_owned(), 1),
                ("relations to events or other relations (spanlab relations join entities)".to_owned(), 1),
                ("attributes of relations, events or other annotations".to_owned(), 1),
                ("notes on relations (spanlab relations have no note)".to_owned(), 1),
                ("equivalences (* lines; spanlab has no equivalence sets)".to_owned(), 1),
            ]
        );
        assert_eq!(report.losses[0].examples, ["2016%2F01%2Flavrov.ann line 5: T5 DATE 49 50;51 54"]);
        assert_eq!(report.losses[1].examples, ["2016%2F01%2Flavrov.ann line 8: E1 EVENT"]);
        assert_eq!(report.losses[2].examples, ["2016%2F01%2Flavrov.ann line 9: R2"]);
        assert!(d.validate(None).is_empty(), "{:?}", d.validate(None));
    }

    #[test]
    fn writes_the_expected_ann_and_txt() {
        let lavrov = json!({
            "attributes": {"Confidence": "High", "Negated": true},
            "normalizations": [{"resource": "Wikidata", "id": "Q1", "text": "Sergueï Lavrov"}],
            "note": "minister\nsince 2004",
        });
        let mut d = one_doc(
            "2016/01/lavrov",
            LAVROV,
            vec![(0, 14, "PER", lavrov), (27, 34, "PER", json!({})), (37, 45, "GPE", json!({})), (49, 54, "DATE", json!({}))],
            &[(0, 1, "MEETS")],
        );
        d.documents[0].status = Status::Done;
        d.documents[0].extra.insert("comment".to_owned(), json!("checked"));
        d.documents[0].entities[1].extra.insert("suggestion".to_owned(), json!({"source": "dictionary"}));
        let (files, report) = export(&d, &Schema::news(), None);
        let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(names, ["2016%2F01%2Flavrov.ann", "2016%2F01%2Flavrov.txt", "annotation.conf", "visual.conf"]);
        assert_eq!(file(&files, "2016%2F01%2Flavrov.txt"), LAVROV);
        assert_eq!(
            file(&files, "2016%2F01%2Flavrov.ann"),
            "T1\tPER 0 14\tSergueï Lavrov\n\
             T2\tPER 27 34\tWang Yi\n\
             T3\tGPE 37 40;41 45\tNew York\n\
             T4\tDATE 49 54\t3 mai\n\
             R1\tMEETS Arg1:T1 Arg2:T2\n\
             A1\tConfidence T1 High\n\
             A2\tNegated T1\n\
             N1\tReference T1 Wikidata:Q1\tSergueï Lavrov\n\
             #1\tAnnotatorNotes T1\tminister\n\
             #2\tAnnotatorNotes T1\tsince 2004\n"
        );
        assert_eq!(
            losses(&report),
            [
                ("document status (brat has no place for it)".to_owned(), 1),
                ("document field \"comment\" (brat has no place for it)".to_owned(), 1),
                ("entity field \"suggestion\" (brat has no place for it)".to_owned(), 1),
            ]
        );
        let conf = file(&files, "annotation.conf");
        assert!(conf.contains("\n[attributes]\nConfidence\tArg:<ENTITY>, Value:High\nNegated\tArg:<ENTITY>\n"), "{conf}");
        // And back: everything but the status and the dropped fields.
        let (back, report) = import(&Source::Folder(files), None).unwrap();
        assert!(report.is_lossless(), "{report}");
        let mut expected = d.clone();
        expected.documents[0].status = Status::New;
        expected.documents[0].extra.clear();
        expected.documents[0].entities[1].extra.clear();
        expected.documents[0].source = "2016%2F01%2Flavrov.txt".to_owned();
        assert_eq!(back.documents, expected.documents);
    }

    #[test]
    fn annotation_conf_of_the_news_schema() {
        let (files, report) = export(&one_doc("a", "", vec![], &[]), &Schema::news(), None);
        assert!(report.is_lossless());
        assert_eq!(
            file(&files, "annotation.conf"),
            "# brat annotation configuration, written by spanlab from the schema \"news\".\n\
             [entities]\nPER\nORG\nGPE\nLOC\nDATE\nEVENT\n\
             \n[relations]\n\
             MEETS\tArg1:PER, Arg2:PER\n\
             ROLE_IN\tArg1:PER, Arg2:ORG|GPE\n\
             VISITS\tArg1:PER, Arg2:GPE|LOC\n\
             MEMBER_OF\tArg1:GPE|ORG, Arg2:ORG\n\
             LOCATED_IN\tArg1:GPE|LOC|ORG|EVENT, Arg2:GPE|LOC\n\
             SUPPORTS\tArg1:PER|ORG|GPE, Arg2:PER|ORG|GPE|EVENT\n\
             OPPOSES\tArg1:PER|ORG|GPE, Arg2:PER|ORG|GPE|EVENT\n\
             PARTICIPATES_IN\tArg1:PER|ORG|GPE, Arg2:EVENT\n\
             DATE_OF\tArg1:EVENT, Arg2:DATE\n\
             \n[events]\n\n[attributes]\n"
        );
        assert!(file(&files, "visual.conf").starts_with("[labels]\n\n[drawing]\nPER\tbgColor:#E69F00\n"));
        // Overlaps (allowed by the schema or present in the data) and labels
        // the schema lacks are declared.
        let mut schema = Schema::news();
        schema.allow_overlap = true;
        let (files, _) = export(&one_doc("a", "ab", vec![(0, 2, "MISC", json!({}))], &[]), &schema, None);
        let conf = file(&files, "annotation.conf");
        assert!(conf.contains("EVENT\nMISC\n"), "{conf}");
        assert!(conf.contains("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n"), "{conf}");
        let (files, _) = export(
            &one_doc("a", "abc", vec![(0, 2, "PER", json!({})), (1, 3, "ORG", json!({}))], &[(0, 1, "NEW_REL")]),
            &Schema::news(),
            None,
        );
        let conf = file(&files, "annotation.conf");
        assert!(conf.contains("NEW_REL\tArg1:<ENTITY>, Arg2:<ENTITY>\n<OVERLAP>"), "{conf}");
    }

    #[test]
    fn awkward_ids_become_safe_file_names_and_come_back() {
        let ids = ["a/b", "..", "../../etc/passwd", "a\\b", "with space", "😀 emoji", ".hidden", "100%", "a%2Fb", "C:\\x", "x.ann"];
        let mut report = Report::new(Format::Spanlab, Direction::Import);
        let records = ids
            .iter()
            .map(|id| RawDoc { id: (*id).to_owned(), text: format!("text of {id}"), ..RawDoc::default() }.into_record(&mut report))
            .collect();
        let d = dataset_of(records, "news");
        let (files, report) = export(&d, &Schema::news(), None);
        assert!(report.is_lossless(), "{report}");
        for (path, _) in &files {
            assert!(!path.contains('/') && !path.contains('\\') && !path.starts_with('.'), "{path}");
        }
        assert_eq!(files.len(), 2 * ids.len() + 2);
        let (back, _) = import(&Source::Folder(files), None).unwrap();
        let mut expected: Vec<&str> = ids.to_vec();
        expected.sort();
        let got: Vec<&str> = back.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(got, expected);
        for doc in &back.documents {
            assert_eq!(doc.text, format!("text of {}", doc.id));
        }
        // Stems that are not our encoding are taken as they are.
        assert_eq!(id_for_stem("100%"), "100%");
        assert_eq!(id_for_stem("a%zzb"), "a%zzb");
        assert_eq!(id_for_stem("bad%FF"), "bad%FF");
        assert_eq!(id_for_stem("sub/a%20b"), "sub/a b");
    }

    #[test]
    fn line_breaks_inside_entities_are_fragments_and_come_back_exactly() {
        let text = "\nNew\r\nYork\n\n.\u{2028}x";
        assert_eq!(fragments(text, 0, 10), [(0, 0), (1, 4), (6, 10)]);
        assert_eq!(fragments(text, 1, 12), [(1, 4), (6, 10), (12, 12)]);
        assert_eq!(fragments(text, 10, 12), [(10, 10), (12, 12)]);
        assert_eq!(fragments(text, 1, 4), [(1, 4)]);
        let d = one_doc(
            "d",
            text,
            vec![
                (0, 10, "GPE", json!({})),
                (1, 12, "LOC", json!({})),
                (10, 12, "ORG", json!({})),
                (12, 13, "PER", json!({})),
                (13, 14, "DATE", json!({})),
            ],
            &[],
        );
        let (files, _) = export(&d, &Schema::news(), None);
        assert_eq!(
            file(&files, "d.ann"),
            "T1\tGPE 0 0;1 4;6 10\t New York\n\
             T2\tLOC 1 4;6 10;12 12\tNew York \n\
             T3\tORG 10 10;12 12\t \n\
             T4\tPER 12 13\t.\n\
             T5\tDATE 13 13;14 14\t \n"
        );
        let (back, report) = import(&Source::Folder(files), None).unwrap();
        assert!(report.is_lossless(), "{report}");
        assert_eq!(canon(&back), canon(&d));
    }

    #[test]
    fn other_units_count_in_that_unit_and_say_so() {
        let text = "😀 Zoë à Paris";
        let d = one_doc("d", text, vec![(2, 5, "PER", json!({})), (8, 13, "GPE", json!({}))], &[]);
        for (unit, line) in [
            (Offsets::Chars, "T1\tPER 2 5\tZoë\nT2\tGPE 8 13\tParis\n"),
            (Offsets::Utf16, "T1\tPER 3 6\tZoë\nT2\tGPE 9 14\tParis\n"),
            (Offsets::Bytes, "T1\tPER 5 9\tZoë\nT2\tGPE 13 18\tParis\n"),
        ] {
            let (files, report) = export(&d, &Schema::news(), Some(unit));
            assert_eq!(file(&files, "d.ann"), line, "{unit}");
            assert_eq!(report.is_lossless(), unit == Offsets::Chars, "{report}");
            let (back, _) = import(&Source::Folder(files), Some(unit)).unwrap();
            assert_eq!(canon(&back), canon(&d));
        }
    }

    #[test]
    fn what_brat_cannot_hold_is_reported_on_export() {
        let e = json!({
            "attributes": {"Has space": "a b", "Count": 3, "Off": false},
            "normalizations": [{"resource": "Wiki data", "id": "Q1", "text": "two\nlines"}, "garbage"],
            "note": "one\r\ntwo",
        });
        let d = one_doc("d", "Paris", vec![(0, 5, "New label", e)], &[]);
        let (files, report) = export(&d, &Schema::news(), None);
        assert_eq!(
            file(&files, "d.ann"),
            "T1\tNew_label 0 5\tParis\n\
             A1\tHas_space T1 a_b\n\
             N1\tReference T1 Wiki_data:Q1\ttwo lines\n\
             #1\tAnnotatorNotes T1\tone\n\
             #2\tAnnotatorNotes T1\ttwo\n"
        );
        let whats: Vec<String> = report.losses.iter().map(|l| l.what.clone()).collect();
        assert_eq!(
            whats,
            [
                "entity labels with spaces or line breaks, or empty (brat's field is one word), written with _",
                "attribute values other than true or a string (not written)",
                "attribute names with spaces or line breaks, or empty (brat's field is one word), written with _",
                "attribute values with spaces or line breaks, or empty (brat's field is one word), written with _",
                "normalization types, resources or ids with spaces, colons or line breaks, or empty, written with _",
                "line breaks in normalization texts (brat's text field is one line), written as spaces",
                "normalizations that are not {\"resource\", \"id\", \"text\"} strings (not written)",
                "line breaks in notes other than \\n (each note line is one # line), written as \\n",
            ]
        );
        assert_eq!(report.losses[1].count, 2, "3 and false");
    }

    /// The error of reading `a.txt` + `a.ann`.
    fn error_of(text: &str, ann: &str, unit: Option<Offsets>) -> FormatError {
        match import(&folder(&[("a.txt", text), ("a.ann", ann)]), unit) {
            Ok((d, _)) => panic!("read {d:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn hostile_inputs_are_errors_naming_file_and_line() {
        let text = "Paris 😀 Lyon";
        let cases: &[(&str, &str, &str)] = &[
            ("T1\tGPE 0 5\tParis\nT2\tGPE 5 2\tx\n", "a.ann line 2", "starts after it ends"),
            ("T1\tGPE 0 99\tParis\n", "a.ann line 1", "outside the text"),
            ("T1\tGPE -1 5\tParis\n", "a.ann line 1", "outside the text"),
            ("T1\tGPE 0 5\tLyon\n", "a.ann line 1", "the line says \"Lyon\""),
            ("T1\tGPE 0 5;6 7\tParis😀\n", "a.ann line 1", "is \"Paris 😀\""),
            ("T1\tGPE 3 3\t\n", "a.ann line 1", "covers no text"),
            ("T1\tGPE zero 5\tParis\n", "a.ann line 1", "not a number"),
            ("T1\tGPE 0 99999999999999999999\tParis\n", "a.ann line 1", "not a number"),
            ("T1\tGPE 0 5 7\tParis\n", "a.ann line 1", "expected START END"),
            ("T1\tGPE 0 5\n", "a.ann line 1", "expected TYPE START END"),
            ("\n\nhello world\n", "a.ann line 3", "expected an id"),
            ("X1\tfoo bar\n", "a.ann line 1", "unknown annotation type"),
            ("T1\tGPE 0 5\tParis\nT1\tGPE 8 12\tLyon\n", "a.ann line 2", "already used on line 1"),
            ("T1\tGPE 0 5\tParis\nR1\tLOCATED_IN Arg1:T1\n", "a.ann line 2", "expected two"),
            ("T1\tGPE 0 5\tParis\nR1\tLOCATED_IN Arg1:T1 Arg2:T9\n", "a.ann line 2", "\"T9\", which no line defines"),
            ("R1\tLOCATED_IN Arg1T1 Arg2:T2\n", "a.ann line 1", "expected ROLE:ID"),
            ("T1\tGPE 0 5\tParis\nA1\tNegated\n", "a.ann line 2", "expected NAME ID"),
            ("A1\tNegated T7\n", "a.ann line 1", "no line defines"),
            ("N1\tReference T1 Q1\tParis\n", "a.ann line 1", "expected RESOURCE:ID"),
            ("#1\tAnnotatorNotes\tnote\n", "a.ann line 1", "expected TYPE ID"),
            ("T1\tGPE 0 5\tParis\n*\tEquiv T1\n", "a.ann line 2", "two or more"),
            ("T1\tGPE 0 5\tParis\n*\tEquiv T1 T2\n", "a.ann line 2", "no line defines"),
            ("E1\tMEETING:T1\n", "a.ann line 1", "no line defines"),
        ];
        for (ann, place, message) in cases {
            let e = error_of(text, ann, None);
            assert_eq!(e.place, *place, "{ann:?}: {e}");
            assert!(e.message.contains(message), "{ann:?}: {e}");
        }
        // Inside a surrogate pair (UTF-16) or a UTF-8 sequence (bytes).
        let e = error_of(text, "T1\tX 7 8\t😀\n", Some(Offsets::Utf16));
        assert!(e.message.contains("inside a character"), "{e}");
        assert_eq!(e.place, "a.ann line 1");
        assert!(error_of(text, "T1\tX 6 7\t😀\n", Some(Offsets::Utf16)).message.contains("inside a character"));
        assert!(error_of(text, "T1\tX 7 9\t😀\n", Some(Offsets::Bytes)).message.contains("inside a character"));
        assert!(import(&folder(&[("a.txt", text), ("a.ann", "T1\tX 6 8\t😀\n")]), Some(Offsets::Chars)).is_err());
        assert!(import(&folder(&[("a.txt", text), ("a.ann", "T1\tX 6 7\t😀\n")]), Some(Offsets::Chars)).is_ok());

        // An .ann without its .txt; invalid UTF-8.
        let e = import(&folder(&[("a.txt", "x"), ("b.ann", "")]), None).unwrap_err();
        assert_eq!(e.place, "b.ann");
        assert!(e.message.contains("no b.txt"), "{e}");
        let e = import(&Source::File { name: "lonely.ann".to_owned(), bytes: b"T1\tX 0 1\tx\n".to_vec() }, None).unwrap_err();
        assert_eq!(e.place, "lonely.ann");
        let bad = Source::Folder(vec![("a.ann".to_owned(), b"\n\xFF".to_vec()), ("a.txt".to_owned(), b"x".to_vec())]);
        assert_eq!(import(&bad, None).unwrap_err().place, "a.ann line 2");
        let bad = Source::Folder(vec![("a.txt".to_owned(), b"ok\n\xC3".to_vec())]);
        assert_eq!(import(&bad, None).unwrap_err().place, "a.txt line 2");
        // Two files that name the same document.
        let e = import(&folder(&[("a b.txt", "x"), ("a%20b.txt", "y")]), None).unwrap_err();
        assert!(e.message.contains("\"a b\""), "{e}");
    }

    #[test]
    fn crlf_texts_count_every_code_point() {
        let text = "Paris\r\nLyon";
        let (d, report) =
            import(&folder(&[("a.txt", text), ("a.ann", "T1\tGPE 7 11\tLyon\r\nT2\tGPE 0 5;7 11\tParis Lyon\r\n")]), None).unwrap();
        assert!(report.is_lossless());
        let got: Vec<(i64, i64, &str)> = d.documents[0].entities.iter().map(|e| (e.start, e.end, e.text.as_str())).collect();
        assert_eq!(got, [(0, 11, "Paris\r\nLyon"), (7, 11, "Lyon")]);
    }

    proptest! {
        #[test]
        fn read_of_write_is_the_dataset_but_its_statuses(d in arb_dataset(true, true), unit in 0..3usize) {
            let unit = Offsets::ALL[unit];
            let (files, report) = export(&d, &Schema::news(), Some(unit));
            let any_status = d.documents.iter().any(|doc| doc.status != Status::New);
            let status_lost = report.losses.iter().any(|l| l.what.starts_with("document status"));
            prop_assert_eq!(any_status, status_lost, "{}", report);
            let (back, report) = import(&Source::Folder(files), Some(unit)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(report.is_lossless(), "{}", report);
            let mut expected = d.clone();
            for doc in &mut expected.documents {
                doc.status = Status::New;
            }
            prop_assert_eq!(canon(&back), canon(&expected));
            // Entity texts (line breaks included) come back exactly.
            for (a, b) in back.documents.iter().zip(&d.documents) {
                let ta: Vec<&str> = a.entities.iter().map(|e| e.text.as_str()).collect();
                let tb: Vec<&str> = b.entities.iter().map(|e| e.text.as_str()).collect();
                prop_assert_eq!(ta, tb);
            }
        }

        #[test]
        fn any_ann_is_read_or_refused_never_a_panic(
            text in "[a-z😀\r\n é]{0,12}",
            lines in proptest::collection::vec(
                prop_oneof![
                    "[TRAEMN#*][0-9]{0,2}\t[A-Za-z]{0,3} [0-9-]{0,3} [0-9;]{0,4}\t[a-z😀 ]{0,4}",
                    "[TRA#][0-9]\t[A-Za-z]{1,3} (Arg[12]:)?[TRAE][0-9]( [A-Za-z:0-9]{0,4})?",
                    ".{0,20}",
                ],
                0..8,
            ),
            unit in 0..3usize,
        ) {
            let ann = lines.join("\n");
            let _ = import(&folder(&[("a.txt", &text), ("a.ann", &ann)]), Some(Offsets::ALL[unit]));
        }
    }
}
