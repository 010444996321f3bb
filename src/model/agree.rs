//! Inter-annotator agreement between two or more annotators' versions of the
//! same documents: span F1 (exact and partial overlap) per pair, label and
//! document; Cohen's kappa (two annotators) and Krippendorff's alpha (any
//! number) over token labels; relation F1 (head span, tail span, label).
//!
//! Owns: the definitions. Pure: datasets in, figures out; must not touch
//! files (the CLI reads the versions) or the datasets (read only).
//!
//! Definitions, for annotators A and B of one document set:
//! - **Exact span F1**: spans are `(start, end, label)`; with `m` spans in
//!   both, F1 = 2m / (|A| + |B|). Symmetric, and overlapping or nested spans
//!   count like any other.
//! - **Partial span F1**: a span of B is matched when it shares a code point
//!   with a span of A with the same label (and the other way round);
//!   precision = matched B / |B|, recall = matched A / |A|.
//! - **Token labels**: each document is cut into the tokenizer's tokens,
//!   cut again at every span boundary of every annotator, so that all
//!   annotators label the same units. A unit's label is that of the
//!   shortest span covering it (`O` when none; ties by label name).
//! - **Cohen's kappa** = (pₒ − pₑ) / (1 − pₑ) over those units, pₑ from
//!   each annotator's own label frequencies; per label, the same on "this
//!   label or not".
//! - **Krippendorff's alpha** (nominal, every unit coded by everyone)
//!   = 1 − (n − 1) · Dₒ / Σ_{c≠k} n_c n_k, from the coincidence matrix.
//! - **Relation F1**: relations are (head span, tail span, label) with spans
//!   as `(start, end, label)`; exact F1 as for spans.
//!
//! A figure whose denominator is zero (no spans on either side, a single
//! label everywhere) is `None`: shown as "–", `null` in JSON.

#![deny(missing_docs)]

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::dataset::{Dataset, DocRecord};

/// The label of a unit no span covers.
pub const OUTSIDE: &str = "O";

/// One annotator's documents.
pub struct Version<'a> {
    /// The annotator's name, as reported.
    pub annotator: String,
    /// Their documents.
    pub dataset: &'a Dataset,
}

/// Agreement counts between two sets (exact or partial): F1 and its parts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct F1 {
    /// Items of the first annotator.
    pub first: usize,
    /// Items of the second annotator.
    pub second: usize,
    /// Items of the first annotator the second matches.
    pub matched_first: usize,
    /// Items of the second annotator the first matches.
    pub matched_second: usize,
}

impl F1 {
    /// Harmonic mean of "matched second / second" and "matched first /
    /// first"; `None` when both are empty.
    pub fn f1(&self) -> Option<f64> {
        if self.first + self.second == 0 {
            return None;
        }
        if self.first == 0 || self.second == 0 {
            return Some(0.0);
        }
        let p = self.matched_second as f64 / self.second as f64;
        let r = self.matched_first as f64 / self.first as f64;
        Some(if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) })
    }

    fn add(&mut self, o: F1) {
        self.first += o.first;
        self.second += o.second;
        self.matched_first += o.matched_first;
        self.matched_second += o.matched_second;
    }
}

/// Span and relation agreement of two annotators.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PairScores {
    /// Exact span agreement.
    pub exact: F1,
    /// Partial-overlap span agreement.
    pub partial: F1,
    /// Relation agreement.
    pub relations: F1,
}

impl PairScores {
    fn add(&mut self, o: &PairScores) {
        self.exact.add(o.exact);
        self.partial.add(o.partial);
        self.relations.add(o.relations);
    }
}

/// Agreement of one pair of annotators.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pair {
    /// The first annotator (earlier in the order given).
    pub first: String,
    /// The second annotator.
    pub second: String,
    /// Over all labels.
    pub all: PairScores,
    /// Span agreement restricted to each label (relations: by relation label).
    pub by_label: BTreeMap<String, PairScores>,
}

/// Chance-corrected agreement over token labels.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Chance {
    /// Cohen's kappa (exactly two annotators).
    pub kappa: Option<f64>,
    /// Krippendorff's alpha, nominal.
    pub alpha: Option<f64>,
}

/// One label's row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelRow {
    /// The entity label.
    pub label: String,
    /// Spans with this label, per annotator (in the order given).
    pub spans: Vec<usize>,
    /// Exact span F1, mean over pairs.
    pub exact_f1: Option<f64>,
    /// Partial span F1, mean over pairs.
    pub partial_f1: Option<f64>,
    /// "This label or not" over token units.
    pub chance: Chance,
}

/// One document's row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentRow {
    /// The document's id.
    pub id: String,
    /// Spans per annotator (in the order given).
    pub spans: Vec<usize>,
    /// Relations per annotator.
    pub relations: Vec<usize>,
    /// Exact span F1, mean over pairs.
    pub exact_f1: Option<f64>,
    /// Partial span F1, mean over pairs.
    pub partial_f1: Option<f64>,
    /// Relation F1, mean over pairs.
    pub relation_f1: Option<f64>,
    /// Over the document's token units.
    pub chance: Chance,
}

/// Relation labels' rows: relation F1 restricted to each relation label.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RelationRow {
    /// The relation label.
    pub label: String,
    /// Relations with this label, per annotator (in the order given).
    pub relations: Vec<usize>,
    /// Relation F1, mean over pairs.
    pub f1: Option<f64>,
}

/// Everything `spanlab agree` reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Agreement {
    /// The annotators, in the order given.
    pub annotators: Vec<String>,
    /// Documents every annotator has.
    pub documents: usize,
    /// Documents some annotators lack: (id, the annotators that have it).
    pub not_shared: Vec<(String, Vec<String>)>,
    /// Token units compared.
    pub units: usize,
    /// Every pair of annotators, in the order given.
    pub pairs: Vec<Pair>,
    /// Over all units.
    pub chance: Chance,
    /// Per entity label, sorted.
    pub labels: Vec<LabelRow>,
    /// Per relation label, sorted.
    pub relation_labels: Vec<RelationRow>,
    /// Per shared document, by id.
    pub per_document: Vec<DocumentRow>,
}

/// Why versions cannot be compared.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AgreeError {
    /// Fewer than two versions.
    #[error("agreement needs at least two annotators, got {0}")]
    TooFew(usize),
    /// Two annotators' documents with one id have different texts.
    #[error("document {id:?}: the text of {first} and of {second} differ (first difference at code point {at})")]
    TextsDiffer {
        /// The document.
        id: String,
        /// The first annotator.
        first: String,
        /// The annotator whose text differs.
        second: String,
        /// The first code point that differs.
        at: usize,
    },
    /// One annotator has two documents with one id.
    #[error("{annotator}: document {id:?} appears twice")]
    DuplicateDocument {
        /// The annotator.
        annotator: String,
        /// The document.
        id: String,
    },
    /// An entity lies outside its text.
    #[error("{annotator}: document {id:?}, entity {entity:?}: [{start}, {end}) is not inside a text of {len} code points")]
    BadOffsets {
        /// The annotator.
        annotator: String,
        /// The document.
        id: String,
        /// The entity's id.
        entity: String,
        /// Its start, as stored.
        start: i64,
        /// Its end, as stored.
        end: i64,
        /// The text's length in code points.
        len: usize,
    },
    /// No document id is in every version.
    #[error("no document is shared by all annotators")]
    NothingShared,
}

type SpanKey = (usize, usize, String);
type RelationKey = (SpanKey, SpanKey, String);

/// A document every annotator has: their views, in the order given, and
/// the units they are compared on.
struct SharedDoc<'a> {
    id: &'a str,
    views: Vec<DocView>,
    units: Vec<(usize, usize)>,
}

/// One annotator's view of one document.
struct DocView {
    spans: Vec<SpanKey>,
    relations: Vec<RelationKey>,
}

fn view(annotator: &str, d: &DocRecord, len: usize) -> Result<DocView, AgreeError> {
    let mut by_id = HashMap::new();
    let mut spans = Vec::new();
    for e in &d.entities {
        let ok = 0 <= e.start && e.start < e.end && e.end as u64 <= len as u64;
        if !ok {
            return Err(AgreeError::BadOffsets {
                annotator: annotator.to_owned(),
                id: d.id.clone(),
                entity: e.id.clone(),
                start: e.start,
                end: e.end,
                len,
            });
        }
        let key: SpanKey = (e.start as usize, e.end as usize, e.label.clone());
        by_id.insert(e.id.as_str(), key.clone());
        spans.push(key);
    }
    let relations = d
        .relations
        .iter()
        .filter_map(|r| Some((by_id.get(r.head.as_str())?.clone(), by_id.get(r.tail.as_str())?.clone(), r.label.clone())))
        .collect();
    Ok(DocView { spans, relations })
}

/// Exact agreement of two multisets.
fn exact<T: Ord + Clone>(a: &[T], b: &[T]) -> F1 {
    let mut count: BTreeMap<&T, (usize, usize)> = BTreeMap::new();
    for x in a {
        count.entry(x).or_default().0 += 1;
    }
    for x in b {
        count.entry(x).or_default().1 += 1;
    }
    let m: usize = count.values().map(|&(x, y)| x.min(y)).sum();
    F1 { first: a.len(), second: b.len(), matched_first: m, matched_second: m }
}

/// Partial-overlap agreement of two span lists (same label, one shared code point).
fn partial(a: &[SpanKey], b: &[SpanKey]) -> F1 {
    let hits = |x: &SpanKey, other: &[SpanKey]| other.iter().any(|y| y.2 == x.2 && x.0 < y.1 && y.0 < x.1);
    F1 {
        first: a.len(),
        second: b.len(),
        matched_first: a.iter().filter(|x| hits(x, b)).count(),
        matched_second: b.iter().filter(|x| hits(x, a)).count(),
    }
}

fn pair_scores(a: &DocView, b: &DocView) -> (PairScores, BTreeMap<String, PairScores>) {
    let all =
        PairScores { exact: exact(&a.spans, &b.spans), partial: partial(&a.spans, &b.spans), relations: exact(&a.relations, &b.relations) };
    let mut by_label: BTreeMap<String, PairScores> = BTreeMap::new();
    let labels: BTreeSet<&String> = a.spans.iter().chain(&b.spans).map(|s| &s.2).collect();
    for l in labels {
        let only = |v: &DocView| v.spans.iter().filter(|s| &s.2 == l).cloned().collect::<Vec<_>>();
        let (sa, sb) = (only(a), only(b));
        let e = by_label.entry(l.clone()).or_default();
        e.exact.add(exact(&sa, &sb));
        e.partial.add(partial(&sa, &sb));
    }
    let rel_labels: BTreeSet<&String> = a.relations.iter().chain(&b.relations).map(|r| &r.2).collect();
    for l in rel_labels {
        let only = |v: &DocView| v.relations.iter().filter(|r| &r.2 == l).cloned().collect::<Vec<_>>();
        by_label.entry(format!("relation {l}")).or_default().relations.add(exact(&only(a), &only(b)));
    }
    (all, by_label)
}

/// The units of a document: tokens cut at every annotator's span boundaries,
/// as `[start, end)` in code points.
fn units(text: &str, views: &[&DocView]) -> Vec<(usize, usize)> {
    let mut cuts: BTreeSet<usize> = BTreeSet::new();
    for v in views {
        for s in &v.spans {
            cuts.insert(s.0);
            cuts.insert(s.1);
        }
    }
    let mut out = Vec::new();
    for t in super::tokenize::tokenize(text) {
        let mut start = t.start.get();
        for &c in cuts.range(t.start.get() + 1..t.end.get()) {
            out.push((start, c));
            start = c;
        }
        out.push((start, t.end.get()));
    }
    out
}

/// Each unit's label in one annotator's view.
fn unit_labels<'a>(units: &[(usize, usize)], v: &'a DocView) -> Vec<&'a str> {
    let mut spans: Vec<&SpanKey> = v.spans.iter().collect();
    spans.sort();
    units
        .iter()
        .map(|&(s, e)| {
            spans
                .iter()
                .filter(|k| k.0 < e && s < k.1)
                .min_by(|x, y| (x.1 - x.0, &x.2).cmp(&(y.1 - y.0, &y.2)))
                .map_or(OUTSIDE, |k| k.2.as_str())
        })
        .collect()
}

/// Cohen's kappa of two label sequences of equal length.
pub fn cohen_kappa(a: &[&str], b: &[&str]) -> Option<f64> {
    let n = a.len().min(b.len());
    if n == 0 {
        return None;
    }
    let mut fa: HashMap<&str, f64> = HashMap::new();
    let mut fb: HashMap<&str, f64> = HashMap::new();
    let mut same = 0.0;
    for (x, y) in a.iter().zip(b) {
        *fa.entry(x).or_default() += 1.0;
        *fb.entry(y).or_default() += 1.0;
        if x == y {
            same += 1.0;
        }
    }
    let n = n as f64;
    let po = same / n;
    let pe: f64 = fa.iter().map(|(k, x)| x / n * fb.get(k).copied().unwrap_or(0.0) / n).sum();
    if (1.0 - pe).abs() < 1e-12 {
        return None;
    }
    Some((po - pe) / (1.0 - pe))
}

/// Krippendorff's alpha (nominal) for units each coded by every coder:
/// `codes[coder][unit]`.
pub fn krippendorff_alpha(codes: &[Vec<&str>]) -> Option<f64> {
    let m = codes.len();
    let units = codes.iter().map(Vec::len).min().unwrap_or(0);
    if m < 2 || units == 0 {
        return None;
    }
    // Coincidences: within each unit, every ordered pair of coders.
    let mut o: HashMap<(&str, &str), f64> = HashMap::new();
    let mut values: Vec<&str> = Vec::with_capacity(m);
    for u in 0..units {
        values.clear();
        values.extend(codes.iter().filter_map(|c| c.get(u).copied()));
        for (i, &a) in values.iter().enumerate() {
            for (j, &b) in values.iter().enumerate() {
                if i != j {
                    *o.entry((a, b)).or_default() += 1.0 / (m as f64 - 1.0);
                }
            }
        }
    }
    let mut n_c: HashMap<&str, f64> = HashMap::new();
    for (&(c, _), v) in &o {
        *n_c.entry(c).or_default() += v;
    }
    let n: f64 = n_c.values().sum();
    let d_o: f64 = o.iter().filter(|((c, k), _)| c != k).map(|(_, v)| v).sum();
    // Σ_{c≠k} n_c n_k
    let expected: f64 = n * n - n_c.values().map(|x| x * x).sum::<f64>();
    if expected.abs() < 1e-12 {
        return None;
    }
    Some(1.0 - (n - 1.0) * d_o / expected)
}

fn chance(codes: &[Vec<&str>]) -> Chance {
    let kappa = match codes {
        [a, b] => cohen_kappa(a, b),
        _ => None,
    };
    Chance { kappa, alpha: krippendorff_alpha(codes) }
}

/// Every pair of items, the first before the second, in order: `[a, b, c]`
/// gives `(a, b)`, `(a, c)`, `(b, c)`.
fn pairs_of<T>(xs: &[T]) -> impl Iterator<Item = (&T, &T)> {
    xs.iter().enumerate().flat_map(move |(i, a)| xs.iter().skip(i + 1).map(move |b| (a, b)))
}

fn mean(xs: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let v: Vec<f64> = xs.flatten().collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// Compares the versions.
pub fn agree(versions: &[Version<'_>]) -> Result<Agreement, AgreeError> {
    if versions.len() < 2 {
        return Err(AgreeError::TooFew(versions.len()));
    }
    let names: Vec<String> = versions.iter().map(|v| v.annotator.clone()).collect();
    // Each annotator's documents by id.
    let mut maps: Vec<BTreeMap<&str, &DocRecord>> = Vec::new();
    for v in versions {
        let mut m = BTreeMap::new();
        for d in &v.dataset.documents {
            if m.insert(d.id.as_str(), d).is_some() {
                return Err(AgreeError::DuplicateDocument { annotator: v.annotator.clone(), id: d.id.clone() });
            }
        }
        maps.push(m);
    }
    let all_ids: BTreeSet<&str> = maps.iter().flat_map(|m| m.keys().copied()).collect();
    let mut not_shared = Vec::new();
    let mut shared = Vec::new();
    for id in all_ids {
        let have: Vec<String> = maps.iter().zip(&names).filter(|(m, _)| m.contains_key(id)).map(|(_, n)| n.clone()).collect();
        if have.len() == maps.len() {
            shared.push(id);
        } else {
            not_shared.push((id.to_owned(), have));
        }
    }
    if shared.is_empty() {
        return Err(AgreeError::NothingShared);
    }
    let k = versions.len();
    let mut pair_totals: Vec<(PairScores, BTreeMap<String, PairScores>)> = vec![Default::default(); pairs_of(&names).count()];
    let mut all_codes: Vec<Vec<&str>> = vec![Vec::new(); k];
    let mut span_labels: BTreeSet<String> = BTreeSet::new();
    let mut span_counts: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut rel_counts: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut per_document = Vec::new();
    let mut store: Vec<SharedDoc<'_>> = Vec::new();
    // Adds one to annotator `i`'s count of `label`.
    let count = |counts: &mut BTreeMap<String, Vec<usize>>, label: &str, i: usize| {
        if let Some(c) = counts.entry(label.to_owned()).or_insert_with(|| vec![0; k]).get_mut(i) {
            *c += 1;
        }
    };
    for id in &shared {
        // Shared: every annotator has it.
        let docs: Vec<(&DocRecord, &String)> = maps.iter().zip(&names).filter_map(|(m, n)| Some((*m.get(id)?, n))).collect();
        let Some(((first, first_name), others)) = docs.split_first() else { continue };
        let text = &first.text;
        for (d, name) in others {
            if d.text != *text {
                let at = text.chars().zip(d.text.chars()).take_while(|(a, b)| a == b).count();
                return Err(AgreeError::TextsDiffer { id: (*id).to_owned(), first: (*first_name).clone(), second: (*name).clone(), at });
            }
        }
        let len = text.chars().count();
        let views: Vec<DocView> = docs.iter().map(|(d, n)| view(n, d, len)).collect::<Result<_, _>>()?;
        for (i, v) in views.iter().enumerate() {
            for s in &v.spans {
                span_labels.insert(s.2.clone());
                count(&mut span_counts, &s.2, i);
            }
            for r in &v.relations {
                count(&mut rel_counts, &r.2, i);
            }
        }
        let refs: Vec<&DocView> = views.iter().collect();
        store.push(SharedDoc { id, units: units(text, &refs), views });
    }
    for SharedDoc { id, views, units } in &store {
        let codes: Vec<Vec<&str>> = views.iter().map(|v| unit_labels(units, v)).collect();
        let mut doc_pairs = Vec::new();
        for ((a, b), (total, total_by_label)) in pairs_of(views).zip(pair_totals.iter_mut()) {
            let (all, by_label) = pair_scores(a, b);
            total.add(&all);
            for (l, s) in by_label {
                total_by_label.entry(l).or_default().add(&s);
            }
            doc_pairs.push(all);
        }
        per_document.push(DocumentRow {
            id: (*id).to_owned(),
            spans: views.iter().map(|v| v.spans.len()).collect(),
            relations: views.iter().map(|v| v.relations.len()).collect(),
            exact_f1: mean(doc_pairs.iter().map(|p| p.exact.f1())),
            partial_f1: mean(doc_pairs.iter().map(|p| p.partial.f1())),
            relation_f1: mean(doc_pairs.iter().map(|p| p.relations.f1())),
            chance: chance(&codes),
        });
        for (all, c) in all_codes.iter_mut().zip(codes) {
            all.extend(c);
        }
    }
    let pairs: Vec<Pair> = pairs_of(&names)
        .zip(pair_totals)
        .map(|((first, second), (all, by_label))| Pair { first: first.clone(), second: second.clone(), all, by_label })
        .collect();
    let labels = span_labels
        .iter()
        .map(|l| {
            let binary: Vec<Vec<&str>> =
                all_codes.iter().map(|c| c.iter().map(|x| if x == l { l.as_str() } else { OUTSIDE }).collect()).collect();
            LabelRow {
                label: l.clone(),
                spans: span_counts.get(l).cloned().unwrap_or_else(|| vec![0; k]),
                exact_f1: mean(pairs.iter().map(|p| p.by_label.get(l).and_then(|s| s.exact.f1()))),
                partial_f1: mean(pairs.iter().map(|p| p.by_label.get(l).and_then(|s| s.partial.f1()))),
                chance: chance(&binary),
            }
        })
        .collect();
    let relation_labels = rel_counts
        .iter()
        .map(|(l, counts)| {
            let key = format!("relation {l}");
            RelationRow {
                label: l.clone(),
                relations: counts.clone(),
                f1: mean(pairs.iter().map(|p| p.by_label.get(&key).and_then(|s| s.relations.f1()))),
            }
        })
        .collect();
    Ok(Agreement {
        annotators: names,
        documents: shared.len(),
        not_shared,
        units: all_codes.first().map_or(0, Vec::len),
        chance: chance(&all_codes),
        pairs,
        labels,
        relation_labels,
        per_document,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dataset::{EntityRecord, RelationRecord};

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    fn ds(docs: Vec<DocRecord>) -> Dataset {
        let mut d = Dataset::empty(&crate::model::Schema::news());
        d.documents = docs;
        d
    }

    fn doc(id: &str, text: &str, spans: &[(i64, i64, &str)], rels: &[(usize, usize, &str)]) -> DocRecord {
        DocRecord {
            id: id.into(),
            source: String::new(),
            text: text.into(),
            sha256: String::new(),
            status: crate::model::Status::Done,
            entities: spans
                .iter()
                .enumerate()
                .map(|(i, &(s, e, l))| {
                    EntityRecord::new(
                        i + 1,
                        &crate::model::Text::from(text),
                        crate::model::CharIdx::new(s as usize),
                        crate::model::CharIdx::new(e as usize),
                        l,
                    )
                })
                .collect(),
            relations: rels.iter().enumerate().map(|(i, &(h, t, l))| RelationRecord::new(i + 1, h + 1, t + 1, l)).collect(),
            extra: Default::default(),
        }
    }

    /// Ten one-letter words: unit k is code points [2k, 2k + 1).
    const TEN: &str = "a b c d e f g h i j";

    fn word(k: i64) -> (i64, i64) {
        (2 * k, 2 * k + 1)
    }

    #[test]
    fn kappa_by_hand() {
        // A: PER on words 0-3, O on 4-9. B: PER on 0-2, ORG on 3, O on 4-9.
        // pₒ = 9/10. A's frequencies PER .4 O .6; B's PER .3 ORG .1 O .6;
        // pₑ = .4·.3 + .6·.6 = .48; κ = (.9 − .48) / (1 − .48) = .42 / .52.
        let a = ["PER", "PER", "PER", "PER", "O", "O", "O", "O", "O", "O"];
        let b = ["PER", "PER", "PER", "ORG", "O", "O", "O", "O", "O", "O"];
        assert!(close(cohen_kappa(&a, &b), 0.42 / 0.52));
        assert!(close(cohen_kappa(&a, &a), 1.0));
        assert_eq!(cohen_kappa(&["O", "O"], &["O", "O"]), None, "one label everywhere: undefined");
    }

    #[test]
    fn alpha_by_hand() {
        // Two coders, the same ten units as kappa_by_hand. Coincidences
        // (each unit adds 1 to o[a][b] and o[b][a]): o[PER][PER] = 6,
        // o[O][O] = 12, o[PER][ORG] = o[ORG][PER] = 1. n_PER = 7, n_ORG = 1,
        // n_O = 12, n = 20. Dₒ = 2. Σ_{c≠k} n_c n_k = 20² − (49 + 1 + 144)
        // = 206. α = 1 − 19 · 2 / 206.
        let a = vec!["PER", "PER", "PER", "PER", "O", "O", "O", "O", "O", "O"];
        let b = vec!["PER", "PER", "PER", "ORG", "O", "O", "O", "O", "O", "O"];
        assert!(close(krippendorff_alpha(&[a.clone(), b.clone()]), 1.0 - 19.0 * 2.0 / 206.0));
        // Three coders on four units: (x, x, x), (x, x, y), (y, y, y), (x, y, y).
        // Each unit adds, over its 6 ordered pairs, 1/(3−1) = ½ per pair.
        // Unit 1: o[x][x] += 3. Unit 2: o[x][x] += 1, o[x][y] += 1, o[y][x] += 1.
        // Unit 3: o[y][y] += 3. Unit 4: o[y][y] += 1, o[x][y] += 1, o[y][x] += 1.
        // o[x][x] = 4, o[y][y] = 4, o[x][y] = o[y][x] = 2; n_x = n_y = 6,
        // n = 12; Dₒ = 4; Σ_{c≠k} n_c n_k = 72. α = 1 − 11 · 4 / 72.
        let c1 = vec!["x", "x", "y", "x"];
        let c2 = vec!["x", "x", "y", "y"];
        let c3 = vec!["x", "y", "y", "y"];
        assert!(close(krippendorff_alpha(&[c1, c2, c3]), 1.0 - 44.0 / 72.0));
        assert!(close(krippendorff_alpha(&[a.clone(), a]), 1.0));
    }

    #[test]
    fn span_f1_exact_and_partial_by_hand() {
        // A: PER [0,3) words 0-1, ORG [6,7), LOC [10,11).
        // B: PER [0,1) (inside A's PER), ORG [6,7), GPE [10,11), PER [16,17).
        // Exact: one match (ORG): 2·1 / (3 + 4) = 2/7.
        // Partial: A matched: PER, ORG = 2/3 (recall); B matched: PER, ORG =
        // 2/4 (precision); F1 = 2 · ½ · ⅔ / (½ + ⅔) = 4/7.
        let a = ds(vec![doc("d", TEN, &[(0, 3, "PER"), (6, 7, "ORG"), (10, 11, "LOC")], &[])]);
        let b = ds(vec![doc("d", TEN, &[(0, 1, "PER"), (6, 7, "ORG"), (10, 11, "GPE"), (16, 17, "PER")], &[])]);
        let r = agree(&[Version { annotator: "ann".into(), dataset: &a }, Version { annotator: "bob".into(), dataset: &b }])
            .expect("comparable");
        let p = &r.pairs[0];
        assert!(close(p.all.exact.f1(), 2.0 / 7.0));
        assert!(close(p.all.partial.f1(), 4.0 / 7.0));
        // Per label: PER exact 0 (A 1, B 2), partial: A 1/1, B 1/2 → 2/3.
        let per = &p.by_label["PER"];
        assert!(close(per.exact.f1(), 0.0));
        assert!(close(per.partial.f1(), 2.0 / 3.0));
        assert!(close(p.by_label["ORG"].exact.f1(), 1.0));
        let row = r.labels.iter().find(|l| l.label == "LOC").expect("LOC row");
        assert_eq!(row.spans, [1, 0]);
        assert!(close(row.exact_f1, 0.0));
        // Units: the ten words; A: PER PER O ORG O LOC O O O O, B: PER O O ORG O
        // GPE O O PER O. pₒ = 7/10. A: PER .2 ORG .1 LOC .1 O .6; B: PER .2 ORG
        // .1 GPE .1 O .6; pₑ = .04 + .01 + .36 = .41; κ = .29 / .59.
        assert_eq!(r.units, 10);
        assert!(close(r.chance.kappa, 0.29 / 0.59));
    }

    #[test]
    fn nested_and_overlapping_spans_count_and_units_follow_every_boundary() {
        // A has "Banque de France" ORG [0,16) with France GPE [10,16) inside;
        // B has only France GPE and a span cutting a word: [2,5) "nqu".
        let text = "Banque de France";
        let a = ds(vec![doc("d", text, &[(0, 16, "ORG"), (10, 16, "GPE")], &[])]);
        let b = ds(vec![doc("d", text, &[(10, 16, "GPE"), (2, 5, "ORG")], &[])]);
        let r =
            agree(&[Version { annotator: "a".into(), dataset: &a }, Version { annotator: "b".into(), dataset: &b }]).expect("comparable");
        assert!(close(r.pairs[0].all.exact.f1(), 0.5), "GPE matches: 2·1 / 4");
        assert!(close(r.pairs[0].all.partial.f1(), 1.0), "ORG overlaps ORG");
        // Units: "Ba" "nqu" "e" "de" "France": A labels ORG ORG ORG ORG GPE
        // (GPE is the shortest covering span), B: O ORG O O GPE.
        assert_eq!(r.units, 5);
        assert_eq!(r.per_document[0].spans, [2, 2]);
    }

    #[test]
    fn relations_match_on_head_tail_and_label() {
        let spans = [(0, 1, "PER"), (2, 3, "PER"), (4, 5, "GPE")];
        let a = ds(vec![doc("d", TEN, &spans, &[(0, 1, "MEETS"), (0, 2, "VISITS")])]);
        // B: same MEETS but reversed direction, same VISITS, one more.
        let b = ds(vec![doc("d", TEN, &spans, &[(1, 0, "MEETS"), (0, 2, "VISITS"), (1, 2, "VISITS")])]);
        let r =
            agree(&[Version { annotator: "a".into(), dataset: &a }, Version { annotator: "b".into(), dataset: &b }]).expect("comparable");
        // One match of 2 and 3: 2·1 / 5.
        assert!(close(r.pairs[0].all.relations.f1(), 0.4));
        let visits = r.relation_labels.iter().find(|x| x.label == "VISITS").expect("VISITS");
        assert_eq!(visits.relations, [1, 2]);
        assert!(close(visits.f1, 2.0 / 3.0));
        assert!(close(r.per_document[0].relation_f1, 0.4));
    }

    #[test]
    fn three_annotators_have_three_pairs_and_alpha_but_no_kappa() {
        let a = ds(vec![doc("d", TEN, &[word(0), word(1)].map(|(s, e)| (s, e, "PER")), &[])]);
        let b = ds(vec![doc("d", TEN, &[word(0)].map(|(s, e)| (s, e, "PER")), &[])]);
        let c = ds(vec![doc("d", TEN, &[word(0), word(1)].map(|(s, e)| (s, e, "PER")), &[])]);
        let v = |n: &str, d| Version { annotator: n.into(), dataset: d };
        let r = agree(&[v("a", &a), v("b", &b), v("c", &c)]).expect("comparable");
        assert_eq!(r.pairs.iter().map(|p| (p.first.as_str(), p.second.as_str())).collect::<Vec<_>>(), [("a", "b"), ("a", "c"), ("b", "c")]);
        assert_eq!(r.chance.kappa, None);
        // Units 0: (PER, PER, PER), 1: (PER, O, PER), 2-9: (O, O, O).
        // Each unit adds ½ per ordered pair of coders: o[PER][PER] = 3 + 1 = 4,
        // o[PER][O] = o[O][PER] = 1, o[O][O] = 8 · 3 = 24. n_PER = 5, n_O = 25,
        // n = 30; Dₒ = 2; Σ_{c≠k} n_c n_k = 2 · 5 · 25 = 250.
        assert!(close(r.chance.alpha, 1.0 - 29.0 * 2.0 / 250.0));
    }

    #[test]
    fn documents_not_shared_are_listed_and_different_texts_refused() {
        let a = ds(vec![doc("x", TEN, &[], &[]), doc("y", TEN, &[], &[])]);
        let b = ds(vec![doc("x", TEN, &[], &[])]);
        let v = |n: &str, d| Version { annotator: n.into(), dataset: d };
        let r = agree(&[v("a", &a), v("b", &b)]).expect("comparable");
        assert_eq!(r.documents, 1);
        assert_eq!(r.not_shared, [("y".to_owned(), vec!["a".to_owned()])]);
        assert_eq!(r.pairs[0].all.exact.f1(), None, "no spans anywhere: undefined, not perfect");
        let c = ds(vec![doc("x", "a b c d e f g h i J", &[], &[])]);
        let e = agree(&[v("a", &a), v("c", &c)]).expect_err("texts differ");
        assert_eq!(e, AgreeError::TextsDiffer { id: "x".into(), first: "a".into(), second: "c".into(), at: 18 });
        assert_eq!(agree(&[v("a", &a)]).expect_err("one"), AgreeError::TooFew(1));
        let bad = ds(vec![doc("x", TEN, &[], &[])]);
        let mut bad = bad;
        bad.documents[0].entities.push(EntityRecord {
            id: "T9".into(),
            start: 5,
            end: 99,
            label: "PER".into(),
            text: String::new(),
            extra: Default::default(),
        });
        assert!(matches!(agree(&[v("a", &a), v("bad", &bad)]), Err(AgreeError::BadOffsets { .. })));
    }
}
