//! Scoring predicted entities (and relations) against gold, with exactly the
//! definitions of `shared/tools/score.py`: exact `(start, end, label)`
//! matches after a label map, boundary-lenient one-to-one overlap matching,
//! and correction effort (the actions an annotator needs to turn the
//! predictions into the gold).
//!
//! Owns: [`score`] and its [`Report`]. It lives in the model because it is
//! pure arithmetic over datasets, used by `spanlab eval` and the learning
//! benchmark. Must not touch: files (the CLI reads the datasets), the
//! datasets themselves (read only).

#![deny(missing_docs)]

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::dataset::{Dataset, DocRecord};
use super::document::{Status, sha256_hex};

/// What to score.
#[derive(Clone, Debug, Default)]
pub struct ScoreOptions {
    /// FROM → TO, applied to gold and predictions.
    pub label_map: BTreeMap<String, String>,
    /// Labels to score (after mapping); `None`: the gold schema's and gold's.
    pub labels: Option<Vec<String>>,
    /// Also score relations.
    pub relations: bool,
    /// Also score gold documents whose status is `skipped`.
    pub include_skipped: bool,
    /// Leave out gold documents that no prediction matches (otherwise
    /// their spans are all missed).
    pub matched_only: bool,
}

/// Counts and ratios for one label or a total.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Counts {
    /// Predictions that match a gold item.
    pub tp: usize,
    /// Predictions that match none.
    pub fp: usize,
    /// Gold items no prediction matches.
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// Gold items: `tp + fn`.
    pub gold: usize,
    /// Predictions: `tp + fp`.
    pub pred: usize,
    /// `tp / pred` (0 without predictions), to four decimals.
    pub precision: f64,
    /// `tp / gold` (0 without gold), to four decimals.
    pub recall: f64,
    /// The harmonic mean of precision and recall, to four decimals.
    pub f1: f64,
    /// Nothing on either side (left out of the macro averages).
    pub empty: bool,
}

impl Counts {
    fn new(tp: usize, fp: usize, fn_: usize) -> Self {
        let p = if tp + fp > 0 { tp as f64 / (tp + fp) as f64 } else { 0.0 };
        let r = if tp + fn_ > 0 { tp as f64 / (tp + fn_) as f64 } else { 0.0 };
        let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        Self {
            tp,
            fp,
            fn_,
            gold: tp + fn_,
            pred: tp + fp,
            precision: round4(p),
            recall: round4(r),
            f1: round4(f),
            empty: tp + fp + fn_ == 0,
        }
    }
}

/// Per-label exact and lenient counts.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LabelScore {
    /// Exact `(start, end, label)` matches.
    #[serde(flatten)]
    pub exact: Counts,
    /// One-to-one matches of overlapping spans with the label.
    pub lenient: Counts,
}

/// The correction-effort estimate.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Effort {
    /// Gold spans scored.
    pub gold: usize,
    /// Actions needed: relabel, resize and reject count one, resize and
    /// relabel at once and create count two.
    pub actions: usize,
    /// actions / (2 × gold): 1.0 saves nothing, 0.0 is perfect.
    pub ratio: f64,
    /// `1 - ratio`.
    pub saved: f64,
    /// How many of each kind: `exact`, `relabel`, `resize`,
    /// `resize_relabel`, `create`, `reject`.
    pub by_kind: BTreeMap<&'static str, usize>,
}

/// The whole report.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Report {
    /// The labels scored, after mapping, in the gold schema's order.
    pub labels: Vec<String>,
    /// Gold documents scored.
    pub documents_scored: usize,
    /// Gold documents paired with a prediction by id (and the same text).
    pub matched_by_id: usize,
    /// Gold documents paired with a prediction by their text's SHA-256.
    pub matched_by_sha256: usize,
    /// Ids of gold documents no prediction matches.
    pub unmatched_gold: Vec<String>,
    /// Predicted documents no gold document matches.
    pub unmatched_pred: usize,
    /// Gold documents left out for their status `skipped`.
    pub skipped_gold: usize,
    /// Per label.
    pub per_label: BTreeMap<String, LabelScore>,
    /// Exact matches over all labels.
    pub micro: Counts,
    /// Lenient matches over all labels.
    pub lenient_micro: Counts,
    /// Mean F1 of the labels that are not empty.
    pub macro_f1: f64,
    /// Mean precision of the labels that are not empty.
    pub macro_precision: f64,
    /// Mean recall of the labels that are not empty.
    pub macro_recall: f64,
    /// The correction effort.
    pub effort: Effort,
    /// Predicted spans whose label (after mapping) is not scored, by label.
    pub ignored_pred_labels: BTreeMap<String, usize>,
    /// Relation scores, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relations: Option<RelationReport>,
}

/// Relation scores.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RelationReport {
    /// The relation labels: the gold schema's, then any other in gold.
    pub labels: Vec<String>,
    /// Per relation label: matches of (head span, tail span, label).
    pub per_label: BTreeMap<String, Counts>,
    /// Matches of (head span, tail span, label) over all labels.
    pub micro: Counts,
    /// The same with the head's and tail's entity labels matching too.
    pub strict_micro: Counts,
    /// What correcting the predicted relations into the gold ones takes.
    pub effort: RelationEffort,
}

/// Relation correction effort: `(rejected + drawn + retyped) / gold`, 1.0
/// meaning no help. A predicted relation is right when both its spans are
/// exact and its label matches a gold relation; one with the spans of a
/// gold relation left over (same head, same tail) and another label is
/// retyped (one action); any other is rejected; a gold relation that no
/// prediction reached is drawn.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RelationEffort {
    /// Gold relations.
    pub gold: usize,
    /// Predicted relations.
    pub predicted: usize,
    /// Predicted relations that are right as they are.
    pub right: usize,
    /// Predicted relations removed.
    pub rejected: usize,
    /// Predicted relations given the gold label.
    pub retyped: usize,
    /// Gold relations drawn by hand.
    pub drawn: usize,
    /// `rejected + drawn + retyped`.
    pub actions: usize,
    /// `actions / gold` (0 when there is no gold relation).
    pub ratio: f64,
}

impl RelationEffort {
    fn add(&mut self, o: &RelationEffort) {
        self.gold += o.gold;
        self.predicted += o.predicted;
        self.right += o.right;
        self.rejected += o.rejected;
        self.retyped += o.retyped;
        self.drawn += o.drawn;
        self.actions = self.rejected + self.drawn + self.retyped;
        self.ratio = if self.gold == 0 { 0.0 } else { round4(self.actions as f64 / self.gold as f64) };
    }
}

/// The effort of correcting `pred` relations into `gold` ones, each
/// `(head start, head end, tail start, tail end, label)`.
fn relation_effort(gold: &[(usize, usize, usize, usize, String)], pred: &[(usize, usize, usize, usize, String)]) -> RelationEffort {
    let mut left_gold: Vec<&(usize, usize, usize, usize, String)> = gold.iter().collect();
    let mut wrong = Vec::new();
    let mut e = RelationEffort { gold: gold.len(), predicted: pred.len(), ..Default::default() };
    for p in pred {
        match left_gold.iter().position(|g| *g == p) {
            Some(k) => {
                left_gold.remove(k);
                e.right += 1;
            }
            None => wrong.push(p),
        }
    }
    for p in wrong {
        match left_gold.iter().position(|g| (g.0, g.1, g.2, g.3) == (p.0, p.1, p.2, p.3)) {
            Some(k) => {
                left_gold.remove(k);
                e.retyped += 1;
            }
            None => e.rejected += 1,
        }
    }
    e.drawn = left_gold.len();
    let mut total = RelationEffort::default();
    total.add(&e);
    total
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// A document pairing failure (same id, other text, and no text match).
#[derive(Debug, thiserror::Error)]
#[error(
    "gold document {0:?}: the predictions have a document with that id but a different text, and none with the gold text: offsets cannot be compared"
)]
pub struct MismatchedText(pub String);

type Ent = (usize, usize, String);

fn entities(d: &DocRecord) -> Vec<Ent> {
    d.entities.iter().map(|e| (e.start.max(0) as usize, e.end.max(0) as usize, e.label.clone())).collect()
}

/// Scores `pred` against `gold`.
pub fn score(gold: &Dataset, pred: &Dataset, opts: &ScoreOptions) -> Result<Report, MismatchedText> {
    let map = |l: &str| opts.label_map.get(l).cloned().unwrap_or_else(|| l.to_owned());
    let mut report = Report::default();
    let gold_docs: Vec<&DocRecord> = gold.documents.iter().filter(|d| opts.include_skipped || d.status != Status::Skipped).collect();
    report.skipped_gold = gold.documents.len() - gold_docs.len();

    // Pair documents: by id with the same text, then by text.
    let sha = |d: &DocRecord| sha256_hex(&d.text);
    // Each prediction with its text's hash.
    let preds: Vec<(&DocRecord, String)> = pred.documents.iter().map(|d| (d, sha(d))).collect();
    let by_id: HashMap<&str, usize> = pred.documents.iter().enumerate().rev().map(|(i, d)| (d.id.as_str(), i)).collect();
    let mut used = BTreeSet::new();
    let mut pairs: Vec<(&DocRecord, Option<&DocRecord>)> = Vec::new();
    let mut pending = Vec::new();
    for g in &gold_docs {
        let gs = sha(g);
        let same_id = by_id.get(g.id.as_str()).copied();
        match same_id.and_then(|i| Some((i, preds.get(i)?))) {
            Some((i, (p, ps))) if *ps == gs && !used.contains(&i) => {
                used.insert(i);
                report.matched_by_id += 1;
                pairs.push((g, Some(*p)));
            }
            _ => pending.push((*g, gs, same_id)),
        }
    }
    for (g, gs, same_id) in pending {
        match preds.iter().enumerate().find(|(i, (_, ps))| !used.contains(i) && *ps == gs) {
            Some((i, (p, _))) => {
                used.insert(i);
                report.matched_by_sha256 += 1;
                pairs.push((g, Some(*p)));
            }
            None => {
                if same_id.is_some() {
                    return Err(MismatchedText(g.id.clone()));
                }
                report.unmatched_gold.push(g.id.clone());
                if !opts.matched_only {
                    pairs.push((g, None));
                }
            }
        }
    }
    report.unmatched_pred = pred.documents.len() - used.len();
    report.documents_scored = pairs.len();

    let labels = match &opts.labels {
        Some(l) => l.clone(),
        None => {
            let mut out: Vec<String> = Vec::new();
            let mut used_labels: BTreeSet<String> = gold.schema.entity_labels.iter().map(|l| map(l)).collect();
            for g in &gold_docs {
                for e in &g.entities {
                    used_labels.insert(map(&e.label));
                }
            }
            let order: Vec<String> = gold.schema.entity_labels.iter().map(|l| map(l)).chain(used_labels.iter().cloned()).collect();
            for l in order {
                if used_labels.contains(&l) && !out.contains(&l) {
                    out.push(l);
                }
            }
            out
        }
    };
    let label_set: BTreeSet<&str> = labels.iter().map(String::as_str).collect();
    // Per label: exact and lenient tallies.
    let mut per: BTreeMap<&str, (Tally, Tally)> = labels.iter().map(|l| (l.as_str(), Default::default())).collect();
    let mut acts = Actions::default();
    let mut n_gold = 0;
    for (g, p) in &pairs {
        let gold_e: Vec<Ent> =
            entities(g).into_iter().map(|(s, e, l)| (s, e, map(&l))).filter(|x| label_set.contains(x.2.as_str())).collect();
        let mut pred_e: Vec<Ent> = Vec::new();
        for (s, e, l) in p.map(entities).unwrap_or_default() {
            let l = map(&l);
            if label_set.contains(l.as_str()) {
                pred_e.push((s, e, l));
            } else {
                *report.ignored_pred_labels.entry(l).or_default() += 1;
            }
        }
        for lab in &labels {
            let gs: Vec<(usize, usize)> = gold_e.iter().filter(|x| &x.2 == lab).map(|x| (x.0, x.1)).collect();
            let ps: Vec<(usize, usize)> = pred_e.iter().filter(|x| &x.2 == lab).map(|x| (x.0, x.1)).collect();
            let tp = multiset_intersection(&gs, &ps);
            let ltp = max_overlap_matching(&gs, &ps);
            if let Some((exact, lenient)) = per.get_mut(lab.as_str()) {
                exact.add(Tally::of(tp, ps.len(), gs.len()));
                lenient.add(Tally::of(ltp, ps.len(), gs.len()));
            }
        }
        n_gold += gold_e.len();
        effort_of(&gold_e, &pred_e, &mut acts);
    }
    let (mut total, mut lenient_total) = (Tally::default(), Tally::default());
    let mut non_empty = Vec::new();
    for lab in &labels {
        let (exact, lenient) = per.get(lab.as_str()).copied().unwrap_or_default();
        total.add(exact);
        lenient_total.add(lenient);
        let s = LabelScore { exact: exact.counts(), lenient: lenient.counts() };
        if !s.exact.empty {
            non_empty.push(s.exact.clone());
        }
        report.per_label.insert(lab.clone(), s);
    }
    report.micro = total.counts();
    report.lenient_micro = lenient_total.counts();
    if !non_empty.is_empty() {
        let n = non_empty.len() as f64;
        report.macro_precision = round4(non_empty.iter().map(|c| c.precision).sum::<f64>() / n);
        report.macro_recall = round4(non_empty.iter().map(|c| c.recall).sum::<f64>() / n);
        report.macro_f1 = round4(non_empty.iter().map(|c| c.f1).sum::<f64>() / n);
    }
    let actions = acts.total();
    let ratio = if n_gold > 0 { actions as f64 / (2 * n_gold) as f64 } else { 0.0 };
    report.effort = Effort { gold: n_gold, actions, ratio: round4(ratio), saved: round4(1.0 - ratio), by_kind: acts.by_kind() };
    report.labels = labels;
    if opts.relations {
        report.relations = Some(score_relations(gold, &pairs, &map));
    }
    Ok(report)
}

/// Matches, false positives and false negatives, summed over documents.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Tally {
    /// `tp` matches among `pred` predictions and `gold` gold items (`tp` is
    /// at most both).
    fn of(tp: usize, pred: usize, gold: usize) -> Self {
        Self { tp, fp: pred.saturating_sub(tp), fn_: gold.saturating_sub(tp) }
    }

    fn add(&mut self, o: Tally) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }

    fn counts(self) -> Counts {
        Counts::new(self.tp, self.fp, self.fn_)
    }
}

/// The correction actions, by kind (as score.py counts them).
#[derive(Clone, Copy, Debug, Default)]
struct Actions {
    exact: usize,
    relabel: usize,
    resize: usize,
    resize_relabel: usize,
    create: usize,
    reject: usize,
}

impl Actions {
    /// Relabelling, resizing and rejecting cost one action, the rest two.
    fn total(&self) -> usize {
        self.relabel + self.resize + 2 * self.resize_relabel + 2 * self.create + self.reject
    }

    fn by_kind(&self) -> BTreeMap<&'static str, usize> {
        [
            ("exact", self.exact),
            ("relabel", self.relabel),
            ("resize", self.resize),
            ("resize_relabel", self.resize_relabel),
            ("create", self.create),
            ("reject", self.reject),
        ]
        .into()
    }
}

fn multiset_intersection(a: &[(usize, usize)], b: &[(usize, usize)]) -> usize {
    let mut count: HashMap<(usize, usize), usize> = HashMap::new();
    for x in a {
        *count.entry(*x).or_default() += 1;
    }
    let mut tp = 0;
    for x in b {
        if let Some(c) = count.get_mut(x)
            && *c > 0
        {
            *c -= 1;
            tp += 1;
        }
    }
    tp
}

/// Maximum one-to-one matching of overlapping spans (Kuhn's algorithm, the
/// same candidate order as score.py).
fn max_overlap_matching(golds: &[(usize, usize)], preds: &[(usize, usize)]) -> usize {
    let adj: Vec<Vec<usize>> = golds
        .iter()
        .map(|&(gs, ge)| {
            let mut cand: Vec<(bool, i64, usize)> = preds
                .iter()
                .enumerate()
                .filter_map(|(j, &(ps, pe))| {
                    let ov = ge.min(pe) as i64 - gs.max(ps) as i64;
                    (ov > 0).then_some(((gs, ge) != (ps, pe), -ov, j))
                })
                .collect();
            cand.sort();
            cand.into_iter().map(|c| c.2).collect()
        })
        .collect();
    // The gold each prediction is matched with.
    let mut match_pred: Vec<Option<usize>> = vec![None; preds.len()];
    fn augment(i: usize, adj: &[Vec<usize>], seen: &mut [bool], match_pred: &mut [Option<usize>]) -> bool {
        for &j in adj.get(i).map_or(&[][..], Vec::as_slice) {
            match seen.get_mut(j) {
                Some(s) if !*s => *s = true,
                _ => continue,
            }
            let free = match match_pred.get(j).copied().flatten() {
                None => true,
                Some(other) => augment(other, adj, seen, match_pred),
            };
            if free && let Some(m) = match_pred.get_mut(j) {
                *m = Some(i);
                return true;
            }
        }
        false
    }
    let mut matched = 0;
    for (i, cand) in adj.iter().enumerate() {
        let mut seen = vec![false; preds.len()];
        if !cand.is_empty() && augment(i, &adj, &mut seen, &mut match_pred) {
            matched += 1;
        }
    }
    matched
}

fn effort_of(gold: &[Ent], pred: &[Ent], acts: &mut Actions) {
    let mut pc: BTreeMap<&Ent, usize> = BTreeMap::new();
    for p in pred {
        *pc.entry(p).or_default() += 1;
    }
    let mut rest_g = Vec::new();
    for x in gold {
        match pc.get_mut(x) {
            Some(c) if *c > 0 => {
                *c -= 1;
                acts.exact += 1;
            }
            _ => rest_g.push(x),
        }
    }
    // The remaining predictions, in the order Python's Counter.elements() gives
    // (first appearance), each repeated by its remaining count.
    let mut rest_p: Vec<&Ent> = Vec::new();
    let mut seen = BTreeSet::new();
    for p in pred {
        if seen.insert(p) {
            for _ in 0..pc.get(p).copied().unwrap_or(0) {
                rest_p.push(p);
            }
        }
    }
    let mut by_span: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, x) in rest_p.iter().enumerate() {
        by_span.entry((x.0, x.1)).or_default().push(i);
    }
    let mut used = BTreeSet::new();
    let mut rest_g2 = Vec::new();
    for x in rest_g {
        let cand = by_span.get(&(x.0, x.1)).and_then(|v| v.iter().find(|i| !used.contains(*i)).copied());
        match cand {
            Some(i) => {
                used.insert(i);
                acts.relabel += 1;
            }
            None => rest_g2.push(x),
        }
    }
    let mut cands = Vec::new();
    for (gi, x) in rest_g2.iter().enumerate() {
        for (pi, y) in rest_p.iter().enumerate() {
            if used.contains(&pi) {
                continue;
            }
            let ov = x.1.min(y.1) as i64 - x.0.max(y.0) as i64;
            if ov > 0 {
                // (gi, pi) is unique: the label test never decides the order.
                cands.push((-ov, gi, pi, x.2 == y.2));
            }
        }
    }
    cands.sort();
    let mut done_g = BTreeSet::new();
    for (_, gi, pi, same_label) in cands {
        if done_g.contains(&gi) || used.contains(&pi) {
            continue;
        }
        done_g.insert(gi);
        used.insert(pi);
        if same_label {
            acts.resize += 1;
        } else {
            acts.resize_relabel += 1;
        }
    }
    acts.create += rest_g2.len() - done_g.len();
    acts.reject += rest_p.len() - used.len();
}

fn score_relations(gold: &Dataset, pairs: &[(&DocRecord, Option<&DocRecord>)], map: &dyn Fn(&str) -> String) -> RelationReport {
    let mut labels: Vec<String> = gold.schema.relation_labels.clone();
    for (g, _) in pairs {
        for r in &g.relations {
            if !labels.contains(&r.label) {
                labels.push(r.label.clone());
            }
        }
    }
    type Key = (usize, usize, String, usize, usize, String);
    let keys = |d: Option<&DocRecord>| -> BTreeMap<String, (Vec<Key>, Vec<Key>)> {
        let mut out: BTreeMap<String, (Vec<Key>, Vec<Key>)> = BTreeMap::new();
        let Some(d) = d else { return out };
        let ents: HashMap<&str, &super::dataset::EntityRecord> = d.entities.iter().map(|e| (e.id.as_str(), e)).collect();
        for r in &d.relations {
            let (Some(h), Some(t)) = (ents.get(r.head.as_str()), ents.get(r.tail.as_str())) else {
                continue;
            };
            let (hs, he, ts, te) = (h.start as usize, h.end as usize, t.start as usize, t.end as usize);
            let entry = out.entry(r.label.clone()).or_default();
            entry.0.push((hs, he, String::new(), ts, te, String::new()));
            entry.1.push((hs, he, map(&h.label), ts, te, map(&t.label)));
        }
        out
    };
    // Per relation label: tallies on spans only, and on spans with labels.
    let mut per: BTreeMap<String, (Tally, Tally)> = BTreeMap::new();
    let mut effort = RelationEffort::default();
    for (g, p) in pairs {
        let gk = keys(Some(g));
        let pk = keys(*p);
        let flat = |k: &BTreeMap<String, (Vec<Key>, Vec<Key>)>| -> Vec<(usize, usize, usize, usize, String)> {
            k.iter().flat_map(|(lab, (loose, _))| loose.iter().map(move |x| (x.0, x.1, x.3, x.4, lab.clone()))).collect()
        };
        effort.add(&relation_effort(&flat(&gk), &flat(&pk)));
        for lab in &labels {
            let empty = (Vec::new(), Vec::new());
            let (gl, gs) = gk.get(lab).unwrap_or(&empty);
            let (pl, ps) = pk.get(lab).unwrap_or(&empty);
            let tp = multiset_keys(gl, pl);
            let stp = multiset_keys(gs, ps);
            let (loose, strict) = per.entry(lab.clone()).or_default();
            loose.add(Tally::of(tp, pl.len(), gl.len()));
            strict.add(Tally::of(stp, ps.len(), gs.len()));
        }
    }
    let (mut total, mut strict_total) = (Tally::default(), Tally::default());
    let mut per_label = BTreeMap::new();
    for (lab, &(loose, strict)) in &per {
        total.add(loose);
        strict_total.add(strict);
        per_label.insert(lab.clone(), loose.counts());
    }
    RelationReport { labels, per_label, micro: total.counts(), strict_micro: strict_total.counts(), effort }
}

fn multiset_keys<K: Ord>(a: &[K], b: &[K]) -> usize {
    let mut count: BTreeMap<&K, usize> = BTreeMap::new();
    for x in a {
        *count.entry(x).or_default() += 1;
    }
    b.iter()
        .filter(|x| match count.get_mut(x) {
            Some(c) if *c > 0 => {
                *c -= 1;
                true
            }
            _ => false,
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dataset::{DatasetSchema, EntityRecord, RelationRecord};

    fn ds(ents: &[(i64, i64, &str)]) -> Dataset {
        let text = "x".repeat(100);
        Dataset {
            format: "spanlab-dataset".into(),
            version: 1,
            schema: DatasetSchema {
                name: "news".into(),
                entity_labels: vec!["PER".into(), "ORG".into(), "LOC".into()],
                relation_labels: vec![],
                extra: Default::default(),
            },
            documents: vec![DocRecord {
                id: "d".into(),
                source: String::new(),
                sha256: String::new(),
                status: Status::Done,
                entities: ents
                    .iter()
                    .enumerate()
                    .map(|(i, &(s, e, l))| {
                        EntityRecord::new(
                            i + 1,
                            &crate::model::Text::from(text.as_str()),
                            crate::model::CharIdx::new(s as usize),
                            crate::model::CharIdx::new(e as usize),
                            l,
                        )
                    })
                    .collect(),
                text,
                relations: vec![],
                extra: Default::default(),
            }],
            extra: Default::default(),
        }
    }

    #[test]
    fn counts_and_effort_by_hand() {
        // gold: PER 0-5, ORG 10-15, LOC 20-25, PER 30-35
        // pred: PER 0-5 (exact), PER 10-15 (relabel), LOC 21-25 (resize), ORG 50-55 (reject)
        let gold = ds(&[(0, 5, "PER"), (10, 15, "ORG"), (20, 25, "LOC"), (30, 35, "PER")]);
        let pred = ds(&[(0, 5, "PER"), (10, 15, "PER"), (21, 25, "LOC"), (50, 55, "ORG")]);
        let r = score(&gold, &pred, &ScoreOptions::default()).expect("pairs");
        assert_eq!((r.micro.tp, r.micro.fp, r.micro.fn_), (1, 3, 3));
        assert_eq!(r.lenient_micro.tp, 2, "LOC overlaps");
        // relabel 1 + resize 1 + create 2 (PER 30-35) + reject 1 = 5 of 8.
        assert_eq!(r.effort.actions, 5);
        assert_eq!(r.effort.ratio, 0.625);
        assert_eq!(r.per_label["PER"].exact.recall, 0.5);
    }

    #[test]
    fn label_map_applies_to_both_sides() {
        let gold = ds(&[(0, 5, "GPE")]);
        let pred = ds(&[(0, 5, "LOC")]);
        let opts = ScoreOptions {
            label_map: [("GPE".to_string(), "LOC".to_string())].into(),
            labels: Some(vec!["LOC".into()]),
            ..Default::default()
        };
        let r = score(&gold, &pred, &opts).expect("pairs");
        assert_eq!(r.micro.f1, 1.0);
    }

    #[test]
    fn relation_effort_by_hand() {
        // Entities T1..T4 at 0-5, 10-15, 20-25, 30-35.
        let ents = [(0, 5, "PER"), (10, 15, "PER"), (20, 25, "LOC"), (30, 35, "PER")];
        let with = |rels: &[(usize, usize, &str)]| {
            let mut d = ds(&ents);
            d.schema.relation_labels = vec!["MEETS".into(), "ROLE_IN".into(), "VISITS".into()];
            d.documents[0].relations = rels.iter().enumerate().map(|(i, &(h, t, l))| RelationRecord::new(i + 1, h, t, l)).collect();
            d
        };
        // gold: T1 MEETS T2, T1 VISITS T3, T4 MEETS T2
        // pred: T1 MEETS T2 (right), T1 ROLE_IN T3 (retyped), T2 MEETS T4
        // (reversed: rejected; T4 → T2 is drawn), T4 VISITS T3 (rejected).
        let gold = with(&[(1, 2, "MEETS"), (1, 3, "VISITS"), (4, 2, "MEETS")]);
        let pred = with(&[(1, 2, "MEETS"), (1, 3, "ROLE_IN"), (2, 4, "MEETS"), (4, 3, "VISITS")]);
        let opts = ScoreOptions { relations: true, ..Default::default() };
        let r = score(&gold, &pred, &opts).expect("pairs").relations.expect("asked for");
        let e = &r.effort;
        assert_eq!((e.gold, e.predicted, e.right, e.retyped, e.rejected, e.drawn), (3, 4, 1, 1, 2, 1));
        assert_eq!(e.actions, 4);
        assert_eq!(e.ratio, 1.3333);
        assert_eq!((r.micro.tp, r.micro.fp, r.micro.fn_), (1, 3, 2));
        // No prediction: every gold relation drawn, effort 1.
        let none = score(&gold, &with(&[]), &opts).expect("pairs").relations.expect("asked for");
        assert_eq!((none.effort.drawn, none.effort.ratio), (3, 1.0));
    }
}
