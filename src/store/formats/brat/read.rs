//! Reading a brat folder: each `.ann` against its `.txt`, every line
//! checked, references resolved once every id is known.
//!
//! Owns: the parsing of `.ann` lines and the errors that name the file and
//! line, and the report of what spanlab has no place for (events,
//! equivalences, annotations of anything but an entity). Must not touch:
//! writing (`write`), or the file system.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{ATTRIBUTES, BRAT, NORMALIZATIONS, NOTE, REFERENCE, is_line_break};
use crate::model::{CharIdx, Dataset, Text};
use crate::store::formats::{
    FormatError, Offsets, Options, RawDoc, RawEntity, RawRelation, Report, Source, convert_offset, dataset_of, resolve_offsets,
};

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
    report.declared_schema = declared_schema(files)?;
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

/// The schema of the folder's `annotation.conf` (the one at its top, else
/// the first by path), with colours from the `visual.conf` beside it;
/// `None` without one.
fn declared_schema(files: &[(String, Vec<u8>)]) -> Result<Option<crate::model::Schema>, FormatError> {
    let depth = |p: &str| p.matches('/').count();
    let conf = files
        .iter()
        .filter(|(p, _)| p.rsplit('/').next() == Some("annotation.conf"))
        .min_by(|a, b| (depth(&a.0), &a.0).cmp(&(depth(&b.0), &b.0)));
    let Some((conf_path, conf_bytes)) = conf else { return Ok(None) };
    let folder = conf_path.strip_suffix("annotation.conf").unwrap_or("");
    let visual_path = format!("{folder}visual.conf");
    let visual = match files.iter().find(|(p, _)| *p == visual_path) {
        Some((p, bytes)) => Some(utf8(p, bytes)?),
        None => None,
    };
    let conf = utf8(conf_path, conf_bytes)?;
    super::read_conf(BRAT, conf.strip_prefix('\u{FEFF}').unwrap_or(conf), visual, conf_path).map(Some)
}

/// A document id from a file stem: each path component percent-decoded
/// (taken as it is when it is not valid percent-encoded UTF-8), joined by `/`.
pub(super) fn id_for_stem(stem: &str) -> String {
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
