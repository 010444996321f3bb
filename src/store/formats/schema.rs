//! The schema an imported dataset brings, and what a schema lacks to hold
//! a dataset.
//!
//! Owns: [`source_schema`], the schema a new project takes from what it
//! imports (the one the file declares, brat's `annotation.conf`, else the
//! one its labels imply), widened to fit the data: labels it uses, relation
//! ends it joins, overlaps it has. And [`Widening`], each such change,
//! said both as what the import did and as what to change in an existing
//! project's schema file to take the data. Must not touch: files (the
//! store reads and writes the schema file), or the formats' readers.

use std::fmt;

use crate::model::schema::{EntityLabel, RelationLabel};
use crate::model::{Dataset, Schema};

/// One way a schema had to grow to hold a dataset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Widening {
    /// Overlapping spans allowed: `count` overlaps, the first `example`.
    Overlaps { count: usize, example: String },
    /// An entity label the schema lacked.
    EntityLabel(String),
    /// A relation label the schema lacked (allowed between any labels).
    RelationLabel(String),
    /// A relation allowed from one more head label (`example`: where).
    Head { relation: String, label: String, example: String },
    /// A relation allowed to one more tail label.
    Tail { relation: String, label: String, example: String },
}

impl Widening {
    /// What to change in a schema file so that it takes the data:
    /// `set "allow_overlap": true`.
    pub fn fix(&self) -> String {
        match self {
            Widening::Overlaps { count, example } => {
                format!("set \"allow_overlap\": true (the data has {count} overlapping span(s), e.g. {example})")
            }
            Widening::EntityLabel(l) => format!("add {{\"name\": \"{l}\"}} to \"entity_labels\""),
            Widening::RelationLabel(l) => format!("add {{\"name\": \"{l}\"}} to \"relation_labels\""),
            Widening::Head { relation, label, example } => {
                format!("add \"{label}\" to the \"head\" of relation {relation} (e.g. {example})")
            }
            Widening::Tail { relation, label, example } => {
                format!("add \"{label}\" to the \"tail\" of relation {relation} (e.g. {example})")
            }
        }
    }
}

impl fmt::Display for Widening {
    /// What the import did: `overlapping spans allowed (3 in the data, e.g. …)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Widening::Overlaps { count, example } => write!(f, "overlapping spans allowed ({count} in the data, e.g. {example})"),
            Widening::EntityLabel(l) => write!(f, "entity label {l} added (the data uses it)"),
            Widening::RelationLabel(l) => write!(f, "relation label {l} added, between any labels (the data uses it)"),
            Widening::Head { relation, label, example } => write!(f, "relation {relation} may also start at {label} ({example})"),
            Widening::Tail { relation, label, example } => write!(f, "relation {relation} may also end at {label} ({example})"),
        }
    }
}

/// `schema` grown just enough to hold `dataset`'s labels, relations and
/// overlaps, and each way it grew (in the order met). Structural problems
/// (offsets, dangling relations) are no schema's business and stay.
pub fn widen_to_fit(schema: &Schema, dataset: &Dataset) -> (Schema, Vec<Widening>) {
    let mut out = schema.clone();
    let mut changes = Vec::new();
    let mut overlaps = 0;
    let mut first_overlap = None;
    for d in &dataset.documents {
        for e in &d.entities {
            if out.entity(&e.label).is_none() {
                out.entity_labels.push(EntityLabel {
                    name: e.label.clone(),
                    description: String::new(),
                    color: String::new(),
                    hotkey: None,
                });
                changes.push(Widening::EntityLabel(e.label.clone()));
            }
        }
        let mut placed: Vec<(i64, i64, &str)> = d.entities.iter().map(|e| (e.start, e.end, e.id.as_str())).collect();
        placed.sort();
        let mut reach: Option<(i64, &str)> = None;
        for &(s, e, id) in &placed {
            if let Some((end, other)) = reach
                && s < end
            {
                overlaps += 1;
                first_overlap.get_or_insert_with(|| format!("document {}: {id} and {other}", d.id));
            }
            if reach.is_none_or(|(end, _)| e > end) {
                reach = Some((e, id));
            }
        }
        let label_of = |id: &str| d.entities.iter().find(|e| e.id == id).map(|e| e.label.as_str());
        for r in &d.relations {
            if out.relation(&r.label).is_none() {
                out.relation_labels.push(RelationLabel {
                    name: r.label.clone(),
                    description: String::new(),
                    head: Vec::new(),
                    tail: Vec::new(),
                    symmetric: false,
                    hotkey: None,
                });
                changes.push(Widening::RelationLabel(r.label.clone()));
            }
            let (Some(h), Some(t)) = (label_of(&r.head), label_of(&r.tail)) else { continue };
            let Some(rel) = out.relation_labels.iter_mut().find(|x| x.name == r.label) else { continue };
            let example = || format!("document {}: {}", d.id, r.id);
            if !rel.head.is_empty() && !rel.head.iter().any(|l| l == h) {
                rel.head.push(h.to_owned());
                changes.push(Widening::Head { relation: r.label.clone(), label: h.to_owned(), example: example() });
            }
            if !rel.tail.is_empty() && !rel.tail.iter().any(|l| l == t) {
                rel.tail.push(t.to_owned());
                changes.push(Widening::Tail { relation: r.label.clone(), label: t.to_owned(), example: example() });
            }
        }
    }
    if overlaps > 0 && !out.allow_overlap {
        out.allow_overlap = true;
        changes.insert(0, Widening::Overlaps { count: overlaps, example: first_overlap.unwrap_or_default() });
    }
    // New labels get the model's colours (it fills those a file lacks).
    if let Ok(filled) = Schema::from_json(&out.to_json()) {
        out = filled;
    }
    (out, changes)
}

/// Where a source's schema comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The file declares it (brat's `annotation.conf`).
    Declared,
    /// The labels in the data (the news schema's colours and constraints
    /// for the labels it knows).
    Labels,
}

/// The schema a new project takes from what it imports: the one `declared`
/// by the file, else the one the dataset's labels imply, widened to fit the
/// data ([`widen_to_fit`]), with where it came from and how it grew.
pub fn source_schema(dataset: &Dataset, declared: Option<&Schema>) -> (Schema, Origin, Vec<Widening>) {
    let (base, origin) = match declared {
        Some(s) => (s.clone(), Origin::Declared),
        None => (dataset.implied_schema(), Origin::Labels),
    };
    let (schema, changes) = widen_to_fit(&base, dataset);
    (schema, origin, changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dataset::{DocRecord, EntityRecord, RelationRecord};
    use crate::model::{CharIdx, Text};

    fn dataset(entities: &[(usize, usize, &str)], relations: &[(usize, usize, &str)]) -> Dataset {
        let text = Text::from("Lavrov dirige la diplomatie russe à Moscou");
        let mut ds = Dataset::empty(&Schema::news());
        ds.documents.push(DocRecord {
            id: "d1".into(),
            source: String::new(),
            text: text.as_str().to_owned(),
            sha256: String::new(),
            status: crate::model::Status::Done,
            entities: entities
                .iter()
                .enumerate()
                .map(|(i, &(s, e, l))| EntityRecord::new(i + 1, &text, CharIdx::new(s), CharIdx::new(e), l))
                .collect(),
            relations: relations.iter().enumerate().map(|(i, &(h, t, l))| RelationRecord::new(i + 1, h, t, l)).collect(),
            extra: Default::default(),
        });
        ds
    }

    #[test]
    fn a_schema_grows_by_what_the_data_needs_and_says_how() {
        let ds = dataset(&[(0, 6, "ORG"), (17, 33, "ORG"), (28, 33, "MISC")], &[(1, 2, "ROLE_IN"), (3, 2, "PART_OF")]);
        let (schema, changes) = widen_to_fit(&Schema::news(), &ds);
        assert!(schema.allow_overlap);
        assert!(schema.entity("MISC").is_some_and(|l| !l.color.is_empty()));
        assert!(schema.relation("ROLE_IN").is_some_and(|r| r.allows("ORG", "ORG")));
        assert!(schema.relation("PART_OF").is_some_and(|r| r.allows("MISC", "PER")));
        let said: Vec<String> = changes.iter().map(ToString::to_string).collect();
        assert_eq!(
            said,
            [
                "overlapping spans allowed (1 in the data, e.g. document d1: T3 and T2)",
                "entity label MISC added (the data uses it)",
                "relation ROLE_IN may also start at ORG (document d1: R1)",
                "relation label PART_OF added, between any labels (the data uses it)",
            ]
        );
        assert_eq!(changes[2].fix(), "add \"ORG\" to the \"head\" of relation ROLE_IN (e.g. document d1: R1)");
        assert!(ds.validate(Some(&schema)).is_empty(), "{:?}", ds.validate(Some(&schema)));
        // What fits already leaves the schema as it is.
        let fits = dataset(&[(0, 6, "PER"), (17, 33, "ORG")], &[(1, 2, "ROLE_IN")]);
        assert_eq!(widen_to_fit(&Schema::news(), &fits), (Schema::news(), Vec::new()));
    }
}
