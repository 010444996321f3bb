//! One document's suggestions as `spanlab suggest` writes them, and the
//! dataset written from them as it is serialised.
//!
//! Owns: [`Suggested`] (a record whose entities and relations are in the
//! contract's order, each with its provenance kept beside it rather than
//! as a `serde_json` object in its `extra`) and [`write_dataset`], which
//! writes the bytes [`Dataset::write_json`] writes for the same records
//! with their `suggestion` objects. Must not touch: files (the caller gives
//! the writer), the engines.
//!
//! Why: a `suggestion` object per entity and relation was a map of three
//! values, each key an allocated string (about 80,000 of them on the
//! 3,968-file benchmark), all kept until the whole dataset had been
//! pretty-printed into one 24 MB string and then freed; the output was a
//! sixth of `spanlab suggest`'s time.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::model::dataset::{Dataset, DocRecord, EntityRecord, Problem, RelationRecord, validate_made_record};
use crate::model::span::Extra;
use crate::model::{RecognizerName, Schema, Text};
use crate::suggest::{Candidate, RelationCandidate};

/// Who suggested an entity or a relation, and how sure it was.
#[derive(Clone, Debug, PartialEq)]
pub struct Provenance {
    /// The recognizer.
    pub recognizer: RecognizerName,
    /// Its score (written rounded to four decimals).
    pub score: f32,
}

impl Provenance {
    /// The score as written: four decimals.
    fn rounded(&self) -> f64 {
        (f64::from(self.score) * 1e4).round() / 1e4
    }

    /// The `suggestion` object datasets carry (recognizer, score, state
    /// `pending`).
    fn to_value(&self) -> serde_json::Value {
        serde_json::json!({"recognizer": self.recognizer, "score": self.rounded(), "state": "pending"})
    }
}

impl Serialize for Provenance {
    /// As [`Provenance::to_value`] serialises: its keys in order.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("recognizer", &self.recognizer)?;
        map.serialize_entry("score", &self.rounded())?;
        map.serialize_entry("state", "pending")?;
        map.end()
    }
}

/// One document's suggestions: its record (ids, order and offsets as
/// [`DocRecord::renumber`] leaves them; no `extra` on its entities and
/// relations, and its `text` left empty: the text is `text`) with the
/// provenance of its `i`-th entity at `entities[i]` and of its `i`-th
/// relation at `relations[i]`.
#[derive(Debug)]
pub struct Suggested {
    /// The record, but for its text.
    pub record: DocRecord,
    /// Its text, indexed.
    pub text: Text,
    /// By entity.
    pub entities: Vec<Provenance>,
    /// By relation.
    pub relations: Vec<Provenance>,
}

impl Suggested {
    /// The record of `doc` with `candidates` as its entities and
    /// `relations` (between candidates, by index) as its relations, put in
    /// the order [`DocRecord::renumber`] puts them: entities by (start,
    /// end, label), relations by (head's place, tail's place, label), both
    /// stable, a relation naming no candidate after the others with the
    /// name it was given. `text` comes with its SHA-256 (lower-case hex).
    pub fn new(id: String, source: String, text: (Text, String), candidates: Vec<Candidate>, relations: Vec<RelationCandidate>) -> Self {
        let (text, sha256) = text;
        let mut entities: Vec<(usize, EntityRecord, Provenance)> = candidates
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let provenance = Provenance { recognizer: c.recognizer, score: c.score };
                (i, EntityRecord::new(i + 1, &text, c.start, c.end, c.label), provenance)
            })
            .collect();
        entities.sort_by(|(_, a, _), (_, b, _)| (a.start, a.end, &a.label).cmp(&(b.start, b.end, &b.label)));
        // The place of each candidate in that order.
        let mut place = vec![0usize; entities.len()];
        for (k, (i, _, _)) in entities.iter().enumerate() {
            if let Some(p) = place.get_mut(*i) {
                *p = k;
            }
        }
        let place_of = |i: usize| place.get(i).copied();
        let mut ordered: Vec<(Option<usize>, Option<usize>, RelationCandidate)> =
            relations.into_iter().map(|r| (place_of(r.head), place_of(r.tail), r)).collect();
        // Known places first (`None` would sort before them).
        let order = |p: Option<usize>| p.map_or((1, 0), |p| (0, p));
        ordered.sort_by(|a, b| (order(a.0), order(a.1), &a.2.label).cmp(&(order(b.0), order(b.1), &b.2.label)));
        let (relations, relation_provenance): (Vec<RelationRecord>, Vec<Provenance>) = ordered
            .into_iter()
            .enumerate()
            .map(|(n, (head, tail, r))| {
                let provenance = Provenance { recognizer: r.recognizer, score: r.score };
                (RelationRecord::new(n + 1, head.unwrap_or(r.head) + 1, tail.unwrap_or(r.tail) + 1, r.label), provenance)
            })
            .unzip();
        let (entities, entity_provenance): (Vec<EntityRecord>, Vec<Provenance>) = entities
            .into_iter()
            .enumerate()
            .map(|(k, (_, mut e, provenance))| {
                e.id = format!("T{}", k + 1);
                (e, provenance)
            })
            .unzip();
        let record = DocRecord {
            id,
            source,
            sha256,
            text: String::new(),
            status: crate::model::Status::New,
            entities,
            relations,
            extra: Default::default(),
        };
        Self { record, text, entities: entity_provenance, relations: relation_provenance }
    }

    /// The record with its text and each entity's and relation's
    /// `suggestion` object in its `extra`.
    pub fn into_record(self) -> DocRecord {
        let mut record = self.record;
        record.text = self.text.as_str().to_owned();
        let with = |p: &Provenance| {
            let mut extra = Extra::new();
            extra.insert("suggestion".into(), p.to_value());
            extra
        };
        for (e, p) in record.entities.iter_mut().zip(&self.entities) {
            e.extra = with(p);
        }
        for (r, p) in record.relations.iter_mut().zip(&self.relations) {
            r.extra = with(p);
        }
        record
    }

    /// The problems of the record as [`Dataset::validate`] would find them
    /// in the document named `name`.
    pub fn problems(&self, name: &str, schema: &Schema) -> Vec<Problem> {
        validate_made_record(&self.record, name, schema, &self.text)
    }
}

/// The problems [`Dataset::validate`] finds in a dataset of these
/// documents, in that order (its format and version are this program's).
pub fn validate(documents: &[Suggested], schema: &Schema) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (i, d) in documents.iter().enumerate() {
        let id = &d.record.id;
        let name = if id.is_empty() { format!("documents[{i}]") } else { id.clone() };
        if id.is_empty() {
            problems.push(problem(&name, "id is empty".to_owned()));
        } else if let Some(first) = seen.insert(id.as_str(), i) {
            // `Dataset::validate` names the last one before (its map keeps
            // the latest place).
            problems.push(problem(&name, format!("duplicate document id (also documents[{first}])")));
        }
        problems.extend(d.problems(&name, schema));
    }
    problems
}

/// A problem of a whole document, as [`Dataset::validate`] words it.
fn problem(name: &str, message: String) -> Problem {
    Problem { document: Some(name.to_owned()), item: None, message }
}

/// Writes the dataset `head` (its own documents left out) with
/// `documents` as its documents: the bytes [`Dataset::write_json`] writes
/// for `head` with each document's [`Suggested::into_record`], made as they
/// are written.
pub fn write_dataset(head: &Dataset, documents: &[Suggested], mut out: impl std::io::Write) -> std::io::Result<()> {
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    Top { head, documents }.serialize(&mut ser).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

/// A dataset, serialised as the derived `Serialize` of [`Dataset`] does (a
/// map, for its flattened `extra`).
struct Top<'a> {
    head: &'a Dataset,
    documents: &'a [Suggested],
}

impl Serialize for Top<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("format", &self.head.format)?;
        map.serialize_entry("version", &self.head.version)?;
        map.serialize_entry("schema", &self.head.schema)?;
        map.serialize_entry("documents", &Seq(self.documents.iter().map(Doc)))?;
        for (key, value) in &self.head.extra {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// A sequence of what an iterator gives (cloned to be walked).
struct Seq<I>(I);

impl<I: Iterator<Item = T> + Clone, T: Serialize> Serialize for Seq<I> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for item in self.0.clone() {
            seq.serialize_element(&item)?;
        }
        seq.end()
    }
}

/// A document, as the derived `Serialize` of [`DocRecord`] writes its
/// [`Suggested::into_record`].
#[derive(Clone, Copy)]
struct Doc<'a>(&'a Suggested);

impl Serialize for Doc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = &self.0.record;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("id", &d.id)?;
        map.serialize_entry("source", &d.source)?;
        map.serialize_entry("text", self.0.text.as_str())?;
        map.serialize_entry("sha256", &d.sha256)?;
        map.serialize_entry("status", &d.status)?;
        map.serialize_entry("entities", &Seq(d.entities.iter().zip(&self.0.entities).map(|(e, p)| Entity(e, p))))?;
        map.serialize_entry("relations", &Seq(d.relations.iter().zip(&self.0.relations).map(|(r, p)| Relation(r, p))))?;
        for (key, value) in &d.extra {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// An entity with its `suggestion` object (its `extra` is empty).
struct Entity<'a>(&'a EntityRecord, &'a Provenance);

impl Serialize for Entity<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let e = self.0;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("id", &e.id)?;
        map.serialize_entry("start", &e.start)?;
        map.serialize_entry("end", &e.end)?;
        map.serialize_entry("label", &e.label)?;
        map.serialize_entry("text", &e.text)?;
        map.serialize_entry("suggestion", self.1)?;
        map.end()
    }
}

/// A relation with its `suggestion` object (its `extra` is empty).
struct Relation<'a>(&'a RelationRecord, &'a Provenance);

impl Serialize for Relation<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("id", &r.id)?;
        map.serialize_entry("head", &r.head)?;
        map.serialize_entry("tail", &r.tail)?;
        map.serialize_entry("label", &r.label)?;
        map.serialize_entry("suggestion", self.1)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::document::sha256_hex;
    use crate::store::inputs::InputDoc;

    fn relation(head: usize, tail: usize, label: &str, score: f32) -> RelationCandidate {
        RelationCandidate { head, tail, label: label.into(), score, recognizer: "relation-patterns".into() }
    }

    fn doc(id: &str, text: &str) -> InputDoc {
        InputDoc::new(id.into(), format!("{id}.txt"), text.into())
    }

    /// A record as `spanlab suggest` made them before [`Suggested`]: each
    /// `suggestion` object in the `extra`, then [`DocRecord::renumber`].
    fn reference(d: &InputDoc, candidates: &[Candidate], relations: &[RelationCandidate]) -> DocRecord {
        let text = d.text.clone();
        let provenance = |recognizer: &RecognizerName, score: f32| {
            let mut extra = Extra::new();
            extra.insert(
                "suggestion".into(),
                serde_json::json!({"recognizer": recognizer, "score": (f64::from(score) * 1e4).round() / 1e4, "state": "pending"}),
            );
            extra
        };
        let mut record = DocRecord {
            id: d.id.clone(),
            source: d.source.clone(),
            sha256: sha256_hex(d.text.as_str()),
            text: d.text.as_str().to_owned(),
            status: crate::model::Status::New,
            entities: candidates
                .iter()
                .enumerate()
                .map(|(i, c)| EntityRecord {
                    extra: provenance(&c.recognizer, c.score),
                    ..EntityRecord::new(i + 1, &text, c.start, c.end, c.label.clone())
                })
                .collect(),
            relations: relations
                .iter()
                .enumerate()
                .map(|(i, r)| RelationRecord {
                    extra: provenance(&r.recognizer, r.score),
                    ..RelationRecord::new(i + 1, r.head + 1, r.tail + 1, r.label.clone())
                })
                .collect(),
            extra: Default::default(),
        };
        record.renumber();
        record
    }

    #[test]
    fn written_and_checked_as_the_records_with_their_suggestion_objects() {
        let schema = Schema::news();
        let first = "Jean Dupont a rencontré Marie Curie à Paris le 3 mai 2016, « à l'Élysée ».";
        // Out of order, two at one start, one span twice with two labels and
        // twice with one (the sort keeps their order), a score to round.
        let candidates = vec![
            Candidate::at(38, 43, "GPE", 0.912_345_6, "tagger"),
            Candidate::at(0, 11, "PER", 0.5, "tagger"),
            Candidate::at(24, 35, "PER", 1.0, "gazetteer"),
            Candidate::at(24, 29, "PER", 0.25, "tagger"),
            Candidate::at(38, 43, "LOC", 0.1, "tagger"),
            Candidate::at(38, 43, "GPE", 0.333_333_3, "dates"),
            Candidate::at(47, 58, "DATE", 0.0, "dates"),
        ];
        // Ties on places and labels, a relation to itself, one naming no
        // candidate (invalid: it dangles).
        let relations = vec![
            relation(1, 2, "MEETS", 0.9),
            relation(2, 0, "VISITS", 0.4),
            relation(1, 2, "MEETS", 0.8),
            relation(1, 9, "VISITS", 0.3),
            relation(1, 0, "VISITS", 0.7),
            relation(6, 0, "DATE_OF", 0.123_45),
        ];
        let second = "Rien ici.";
        let docs = [(doc("b", first), candidates.clone(), relations.clone()), (doc("a", second), Vec::new(), Vec::new())];
        let suggested: Vec<Suggested> = docs
            .iter()
            .map(|(d, c, r)| Suggested::new(d.id.clone(), d.source.clone(), (d.text.clone(), d.sha256.clone()), c.clone(), r.clone()))
            .collect();
        let references: Vec<DocRecord> = docs.iter().map(|(d, c, r)| reference(d, c, r)).collect();
        let mut dataset = Dataset::empty(&schema);
        dataset.documents = references.clone();
        let mut written = Vec::new();
        write_dataset(&dataset, &suggested, &mut written).unwrap();
        assert_eq!(String::from_utf8(written).unwrap(), dataset.to_json());
        let problems = validate(&suggested, &schema);
        assert!(!problems.is_empty(), "the dangling relation is one");
        assert_eq!(problems, dataset.validate(Some(&schema)));
        let records: Vec<DocRecord> = suggested.into_iter().map(Suggested::into_record).collect();
        assert_eq!(records, references);
    }

    #[test]
    fn documents_without_ids_and_with_one_id_twice_are_named_as_the_dataset_names_them() {
        let schema = Schema::news();
        let docs = [doc("x", "Un."), doc("", "Deux."), doc("x", "Trois."), doc("x", "Quatre.")];
        let suggested: Vec<Suggested> = docs
            .iter()
            .map(|d| Suggested::new(d.id.clone(), d.source.clone(), (d.text.clone(), d.sha256.clone()), Vec::new(), Vec::new()))
            .collect();
        let mut dataset = Dataset::empty(&schema);
        dataset.documents = docs.iter().map(|d| reference(d, &[], &[])).collect();
        let want = dataset.validate(Some(&schema));
        assert_eq!(want.len(), 3);
        assert_eq!(validate(&suggested, &schema), want);
    }
}
