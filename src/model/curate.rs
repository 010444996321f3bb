//! Adjudication: the spans and relations of several annotators' versions of
//! one document, as candidates for a curated version, with the edits that
//! take one into the curated document or drop it from there.
//!
//! Owns: what counts as the same span (start, end, label) and the same
//! relation (head span, tail span, label) across versions, and how taking a
//! span settles a conflict (the curated spans it cannot coexist with go).
//! Must not touch: the versions (they are read only) and files; the curated
//! document's spans and relations change only through the [`Edit`]s
//! returned (making them takes fresh ids from it).

use std::collections::BTreeMap;

use super::edit::Edit;
use super::span::{Extra, Origin, Relation, RelationId, Span, SpanId};
use super::text::CharIdx;
use super::{Document, Schema};

/// A span as versions share it.
pub type SpanKey = (usize, usize, String);

/// What a candidate is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Item {
    Span(SpanKey),
    Relation { head: SpanKey, tail: SpanKey, label: String },
}

/// A span or relation of at least one version.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub item: Item,
    /// For each version (in the order given): whether it has the item.
    pub by: Vec<bool>,
}

impl Candidate {
    /// Every version has it.
    pub fn unanimous(&self) -> bool {
        self.by.iter().all(|&b| b)
    }

    /// Where it starts in the text (a relation: where its head starts).
    pub fn start(&self) -> usize {
        match &self.item {
            Item::Span(k) => k.0,
            Item::Relation { head, .. } => head.0,
        }
    }
}

fn key(s: &Span) -> SpanKey {
    (s.start.get(), s.end.get(), s.label.clone())
}

/// The candidates of the versions, in text order: each span, then the
/// relations whose head it is.
pub fn candidates(versions: &[&Document]) -> Vec<Candidate> {
    let n = versions.len();
    let mut items: BTreeMap<Item, Vec<bool>> = BTreeMap::new();
    // Marks `item` as had by version `i`.
    let mut mark = |item: Item, i: usize| {
        if let Some(b) = items.entry(item).or_insert_with(|| vec![false; n]).get_mut(i) {
            *b = true;
        }
    };
    for (i, d) in versions.iter().enumerate() {
        for s in d.spans().iter() {
            mark(Item::Span(key(s)), i);
        }
        for r in d.relations() {
            let (Some(h), Some(t)) = (d.spans().get(r.head), d.spans().get(r.tail)) else { continue };
            mark(Item::Relation { head: key(h), tail: key(t), label: r.label.clone() }, i);
        }
    }
    let mut out: Vec<Candidate> = items.into_iter().map(|(item, by)| Candidate { item, by }).collect();
    // Spans by position; a relation right after its head span.
    out.sort_by(|a, b| {
        let rank = |c: &Candidate| match &c.item {
            Item::Span(k) => (k.clone(), 0u8, None),
            Item::Relation { head, tail, label } => (head.clone(), 1, Some((tail.clone(), label.clone()))),
        };
        rank(a).cmp(&rank(b))
    });
    out
}

/// The curated span with this key.
fn find(doc: &Document, k: &SpanKey) -> Option<SpanId> {
    doc.spans().overlapping(CharIdx::new(k.0), CharIdx::new(k.1)).find(|s| key(s) == *k).map(|s| s.id)
}

/// The curated relation that is this candidate.
fn find_relation(doc: &Document, head: &SpanKey, tail: &SpanKey, label: &str) -> Option<RelationId> {
    let (h, t) = (find(doc, head)?, find(doc, tail)?);
    doc.relations().find(|r| r.head == h && r.tail == t && r.label == label).map(|r| r.id)
}

/// Whether the curated document has the candidate.
pub fn in_curated(doc: &Document, c: &Candidate) -> bool {
    match &c.item {
        Item::Span(k) => find(doc, k).is_some(),
        Item::Relation { head, tail, label } => find_relation(doc, head, tail, label).is_some(),
    }
}

/// Who had it, recorded on what the curated version takes.
fn provenance(names: &[String], by: &[bool]) -> Extra {
    let who: Vec<serde_json::Value> =
        names.iter().zip(by).filter(|&(_, &b)| b).map(|(n, _)| serde_json::Value::String(n.clone())).collect();
    let mut extra = Extra::new();
    extra.insert("annotators".to_owned(), serde_json::Value::Array(who));
    extra
}

/// Adds a span (unless there), first removing the curated spans it cannot
/// coexist with: any overlapping one when the schema forbids overlaps,
/// otherwise one on the same characters with another label.
fn take_span(doc: &mut Document, k: &SpanKey, schema: &Schema, extra: Extra, edits: &mut Vec<Edit>) -> SpanId {
    if let Some(id) = find(doc, k) {
        return id;
    }
    let clashing: Vec<SpanId> = doc
        .spans()
        .overlapping(CharIdx::new(k.0), CharIdx::new(k.1))
        .filter(|s| !schema.allow_overlap || (s.start.get(), s.end.get()) == (k.0, k.1))
        .map(|s| s.id)
        .collect();
    edits.extend(clashing.into_iter().map(|id| Edit::RemoveSpan { id }));
    let id = doc.fresh_span_id();
    let span = Span { id, start: CharIdx::new(k.0), end: CharIdx::new(k.1), label: k.2.clone(), origin: Origin::Manual, extra };
    edits.push(Edit::AddSpan { span });
    id
}

/// The edit that puts the candidate into the curated document (a relation
/// brings its spans); `None` when it is there already.
pub fn take_edit(doc: &mut Document, c: &Candidate, names: &[String], schema: &Schema) -> Option<Edit> {
    if in_curated(doc, c) {
        return None;
    }
    let extra = provenance(names, &c.by);
    let mut edits = Vec::new();
    match &c.item {
        Item::Span(k) => {
            take_span(doc, k, schema, extra, &mut edits);
        }
        Item::Relation { head, tail, label } => {
            let h = take_span(doc, head, schema, Extra::new(), &mut edits);
            let t = take_span(doc, tail, schema, Extra::new(), &mut edits);
            let id = doc.fresh_relation_id();
            edits.push(Edit::AddRelation { relation: Relation { id, head: h, tail: t, label: label.clone(), extra } });
        }
    }
    Some(Edit::Batch { edits })
}

/// The edit that takes the candidate out of the curated document (a span:
/// with its relations); `None` when it is not there.
pub fn drop_edit(doc: &Document, c: &Candidate) -> Option<Edit> {
    match &c.item {
        Item::Span(k) => find(doc, k).map(|id| Edit::RemoveSpan { id }),
        Item::Relation { head, tail, label } => find_relation(doc, head, tail, label).map(|id| Edit::RemoveRelation { id }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DocId;

    const TEXT: &str = "Le ministre Sergueï Lavrov a rencontré Wang Yi à Pékin.";

    fn version(spans: &[(usize, usize, &str)], rels: &[(usize, usize, &str)]) -> Document {
        let schema = Schema::news();
        let mut d = Document::new(DocId("d".into()), "d.txt".into(), TEXT.into());
        let mut ids = Vec::new();
        for &(s, e, l) in spans {
            let edit = d.add_span_edit(CharIdx::new(s), CharIdx::new(e), l);
            d.apply(edit, &schema).expect("span");
            ids.push(find(&d, &(s, e, l.to_owned())).expect("added"));
        }
        for &(h, t, l) in rels {
            let edit = d.add_relation_edit(ids[h], ids[t], l);
            d.apply(edit, &schema).expect("relation");
        }
        d
    }

    #[test]
    fn candidates_say_who_has_what_in_text_order() {
        let a = version(&[(12, 26, "PER"), (39, 46, "PER"), (49, 54, "GPE")], &[(0, 1, "MEETS")]);
        let b = version(&[(12, 26, "PER"), (39, 46, "ORG"), (49, 54, "GPE")], &[]);
        let c = candidates(&[&a, &b]);
        let shown: Vec<(String, Vec<bool>)> = c
            .iter()
            .map(|c| {
                let name = match &c.item {
                    Item::Span((s, e, l)) => format!("{l} {s}-{e}"),
                    Item::Relation { head, tail, label } => format!("{label} {}→{}", head.0, tail.0),
                };
                (name, c.by.clone())
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("PER 12-26".to_owned(), vec![true, true]),
                ("MEETS 12→39".to_owned(), vec![true, false]),
                ("ORG 39-46".to_owned(), vec![false, true]),
                ("PER 39-46".to_owned(), vec![true, false]),
                ("GPE 49-54".to_owned(), vec![true, true]),
            ]
        );
        assert!(c[0].unanimous() && !c[1].unanimous());
    }

    #[test]
    fn taking_settles_conflicts_and_dropping_undoes() {
        let schema = Schema::news();
        let names = ["ann".to_owned(), "bob".to_owned()];
        let a = version(&[(12, 26, "PER"), (39, 46, "PER")], &[(0, 1, "MEETS")]);
        let b = version(&[(12, 26, "PER"), (39, 46, "ORG")], &[]);
        let c = candidates(&[&a, &b]);
        let mut cur = Document::new(DocId("d".into()), "d.txt".into(), TEXT.into());
        // ORG first, then PER on the same characters: PER replaces ORG.
        let org = c.iter().find(|x| x.item == Item::Span((39, 46, "ORG".into()))).expect("ORG");
        let e = take_edit(&mut cur, org, &names, &schema).expect("edit");
        cur.apply(e, &schema).expect("applies");
        assert!(in_curated(&cur, org));
        assert_eq!(cur.spans().iter().next().map(|s| s.extra.get("annotators").cloned()), Some(Some(serde_json::json!(["bob"]))));
        let per = c.iter().find(|x| x.item == Item::Span((39, 46, "PER".into()))).expect("PER");
        let e = take_edit(&mut cur, per, &names, &schema).expect("edit");
        cur.apply(e, &schema).expect("applies");
        assert!(in_curated(&cur, per) && !in_curated(&cur, org));
        assert_eq!(take_edit(&mut cur, per, &names, &schema), None, "already there");
        // A relation brings its head span.
        let meets = c.iter().find(|x| matches!(x.item, Item::Relation { .. })).expect("MEETS");
        let e = take_edit(&mut cur, meets, &names, &schema).expect("edit");
        cur.apply(e, &schema).expect("applies");
        assert!(in_curated(&cur, meets) && in_curated(&cur, &c[0]));
        assert_eq!(cur.spans().len(), 2);
        // Dropping the head span drops the relation.
        let e = drop_edit(&cur, &c[0]).expect("there");
        cur.apply(e, &schema).expect("applies");
        assert!(!in_curated(&cur, meets));
        assert_eq!(drop_edit(&cur, meets), None);
    }
}
