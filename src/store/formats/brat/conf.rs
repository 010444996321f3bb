//! Reading brat's `annotation.conf` (and the colours of `visual.conf`) as
//! a spanlab [`Schema`], so that a brat corpus imported into a new project
//! brings its own labels, relation constraints and overlap policy.
//!
//! Owns: the parts of brat's configuration syntax spanlab has a place for.
//! `[entities]`: one type a line, indentation for the hierarchy (a type
//! named in a relation stands for itself and every type under it), `!` for
//! a type that only groups others, `|` before alternative names.
//! `[relations]`: `NAME\tArg1:A|B, Arg2:C` (`<ENTITY>` and `<ANY>`: any
//! entity), the same name on several lines adding up, `<REL-TYPE>:symmetric…`
//! a symmetric relation; `<OVERLAP>` and the older `ENTITY-NESTING` allow
//! overlapping spans (spanlab's policy is one switch: brat's finer rules,
//! `contain`, `equal` or `cross` between given types, become "allowed").
//! Without either, brat forbids overlaps, and so does the schema. Macros
//! (`<NAME>=value`) are expanded; `[events]` and `[attributes]` have no
//! place in a spanlab schema (events are reported when the data has them).
//! Must not touch: the file system, or the `.ann` files (`read`).

use std::collections::BTreeMap;

use crate::model::Schema;
use crate::model::schema::{EntityLabel, RelationLabel, parse_hex_color};
use crate::store::formats::FormatError;

/// The relation names brat uses for its overlap rules.
const OVERLAP_RULES: [&str; 2] = ["<OVERLAP>", "ENTITY-NESTING"];

/// A node of the `[entities]` hierarchy.
struct Node {
    name: String,
    /// `!name`: groups others, is no label itself.
    abstract_only: bool,
    depth: usize,
}

/// The schema an `annotation.conf` declares, named `name`, with colours
/// from `visual.conf` when given; an error naming the file and line when
/// it cannot be a schema (a relation or type name that is not one word, a
/// name given to both an entity and a relation type).
pub fn read_conf(name: &str, conf: &str, visual: Option<&str>, path: &str) -> Result<Schema, FormatError> {
    let sections = sections(conf);
    let mut nodes: Vec<Node> = Vec::new();
    for (n, line) in sections.get("entities").map(Vec::as_slice).unwrap_or_default() {
        let indent = line.chars().take_while(|c| c.is_whitespace()).count();
        let Some(first) = line.split_whitespace().next() else { continue };
        let Some(term) = first.split('|').find(|t| !t.is_empty()) else { continue };
        let (abstract_only, term) = match term.strip_prefix('!') {
            Some(t) => (true, t),
            None => (false, term),
        };
        if term.is_empty() {
            return Err(FormatError::new(format!("{path} line {n}"), format!("an entity type with no name: {line:?}")));
        }
        nodes.push(Node { name: term.to_owned(), abstract_only, depth: indent });
    }
    // A type stands for itself and every type under it.
    let below = |name: &str| -> Vec<String> {
        let Some(at) = nodes.iter().position(|n| n.name == name) else { return Vec::new() };
        let Some(top) = nodes.get(at) else { return Vec::new() };
        let mut out: Vec<String> = Vec::new();
        if !top.abstract_only {
            out.push(top.name.clone());
        }
        for n in nodes.iter().skip(at + 1).take_while(|n| n.depth > top.depth) {
            if !n.abstract_only {
                out.push(n.name.clone());
            }
        }
        out
    };
    let mut entity_labels: Vec<EntityLabel> = Vec::new();
    for n in nodes.iter().filter(|n| !n.abstract_only) {
        if !entity_labels.iter().any(|l| l.name == n.name) {
            entity_labels.push(EntityLabel { name: n.name.clone(), description: String::new(), color: String::new(), hotkey: None });
        }
    }
    let mut allow_overlap = false;
    let mut relation_labels: Vec<RelationLabel> = Vec::new();
    for (n, line) in sections.get("relations").map(Vec::as_slice).unwrap_or_default() {
        let place = || format!("{path} line {n}");
        let trimmed = line.trim();
        let (head, args) = trimmed.split_once(char::is_whitespace).unwrap_or((trimmed, ""));
        let Some(relation) = head.split('|').find(|t| !t.is_empty()) else { continue };
        let relation = relation.trim_start_matches('!');
        if OVERLAP_RULES.contains(&relation) {
            allow_overlap = true;
            continue;
        }
        let mut ends: Vec<Vec<String>> = Vec::new();
        let mut symmetric = false;
        for arg in args.split(',').map(str::trim).filter(|a| !a.is_empty()) {
            let Some((key, types)) = arg.split_once(':') else {
                return Err(FormatError::new(place(), format!("relation {relation}: expected ROLE:TYPE, found {arg:?}")));
            };
            if key.starts_with('<') {
                symmetric |= key == "<REL-TYPE>" && types.split('-').any(|t| t == "symmetric");
                continue;
            }
            let mut labels: Vec<String> = Vec::new();
            let mut any = false;
            for t in types.split('|').map(str::trim).filter(|t| !t.is_empty()) {
                if matches!(t, "<ENTITY>" | "<ANY>") {
                    any = true;
                }
                for l in below(t) {
                    if !labels.contains(&l) {
                        labels.push(l);
                    }
                }
            }
            // Any entity, or only types spanlab has no place for (events):
            // no constraint.
            ends.push(if any { Vec::new() } else { labels });
        }
        let head_labels = ends.first().cloned().unwrap_or_default();
        let tail_labels = ends.get(1).cloned().unwrap_or_default();
        match relation_labels.iter_mut().find(|r| r.name == relation) {
            // The same name on several lines: the union of what each allows.
            Some(r) => {
                for (have, more) in [(&mut r.head, head_labels), (&mut r.tail, tail_labels)] {
                    if have.is_empty() || more.is_empty() {
                        have.clear();
                    } else {
                        for l in more {
                            if !have.contains(&l) {
                                have.push(l);
                            }
                        }
                    }
                }
                r.symmetric |= symmetric;
            }
            None => relation_labels.push(RelationLabel {
                name: relation.to_owned(),
                description: String::new(),
                head: head_labels,
                tail: tail_labels,
                symmetric,
                hotkey: None,
            }),
        }
    }
    if let Some(visual) = visual {
        let colours = colours(visual);
        for l in &mut entity_labels {
            if let Some(c) = colours.get(&l.name) {
                l.color = c.clone();
            }
        }
    }
    let schema = Schema { name: name.to_owned(), version: 1, allow_overlap, entity_labels, relation_labels };
    // The model's own checks (names, duplicates), and colours for the rest.
    Schema::from_json(&schema.to_json()).map_err(|e| FormatError::new(path, format!("cannot be a spanlab schema: {e}")))
}

/// The lines of each `[section]`, with their 1-based numbers; comments and
/// blank lines left out, macros (`<NAME>=value`) expanded.
fn sections(conf: &str) -> BTreeMap<String, Vec<(usize, String)>> {
    let mut out: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    let mut section = String::new();
    let mut macros: Vec<(String, String)> = Vec::new();
    for (i, raw) in conf.lines().enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.chars().all(|c| c == '-') {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            section = name.trim().to_owned();
            continue;
        }
        if let Some((name, value)) = trimmed.split_once('=')
            && name.starts_with('<')
            && name.ends_with('>')
            && !name.contains(char::is_whitespace)
        {
            macros.push((name.to_owned(), value.trim().to_owned()));
            continue;
        }
        let mut line = line.to_owned();
        for (name, value) in &macros {
            line = line.replace(name.as_str(), value);
        }
        out.entry(section.clone()).or_default().push((i + 1, line));
    }
    out
}

/// `TYPE\tbgColor:#rrggbb` lines of `visual.conf`'s `[drawing]`.
fn colours(visual: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (_, line) in sections(visual).remove("drawing").unwrap_or_default() {
        let trimmed = line.trim();
        let (name, rest) = trimmed.split_once(char::is_whitespace).unwrap_or((trimmed, ""));
        for setting in rest.split(',') {
            if let Some((key, value)) = setting.trim().split_once(':')
                && key.trim() == "bgColor"
                && parse_hex_color(value.trim()).is_some()
            {
                out.insert(name.to_owned(), value.trim().to_owned());
            }
        }
    }
    out
}
