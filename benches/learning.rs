//! Learning from corrections: `cargo bench --bench learning` simulates an
//! annotator who corrects k documents (feeding their gold to the engine, as
//! the window does when a document is marked done) and measures the
//! correction effort of the suggestions on documents not corrected.
//!
//! - dev set (`../shared/eval/winer-fr`): corrections on k of its 100
//!   articles (k = 0, 1, 2, 5), effort on the other 100 − k. Which k
//!   articles matters, so the first k are one draw and 19 random draws
//!   follow; each is compared with k = 0 on the same articles.
//! - the same dev set, for scale: what far more data of its kind gives. The
//!   shipped model's recipe is retrained on the training corpus plus 50 dev
//!   articles (10 times the k = 5 budget) and scored on the other 50.
//!   Skipped when `SPANLAB_BENCH_QUICK` is set (it trains for a while).
//! - seeds (`../shared/eval/seeds.gold.json`): corrections on up to 4 seeds,
//!   effort on the fifth, averaged over every rotation (k = 0 … 4).
//!
//! Effort as `shared/tools/score.py` (labels PER, ORG, LOC; GPE scored as
//! LOC). Every simulation starts from the shipped model and writes nothing
//! back to it.
//!
//! Relations (printed first): on the seeds, every rotation, a fresh
//! relation engine (the shipped state) learns from k = 0 … 4 other seeds'
//! corrected relations (their gold entities and relations, as when the
//! annotator marks them done), then suggests relations on the fifth
//! between the shipped entity engine's own suggestions; relation F1 and
//! relation correction effort (`spanlab eval --relations`) averaged over
//! the rotations.

use std::path::Path;

use spanlab::model::dataset::{Dataset, DocRecord, EntityRecord, RelationRecord};
use spanlab::model::score::{ScoreOptions, score};
use spanlab::model::{CharIdx, Schema, Text};
use spanlab::store::project::read_dataset;
use spanlab::suggest::relations::DEFAULT_MIN_SCORE;
use spanlab::suggest::{Engine, Mention, RelationEngine, TrainOptions, train_from_dataset};

fn gold_spans(d: &DocRecord) -> Vec<(CharIdx, CharIdx, String)> {
    d.entities.iter().map(|e| (CharIdx::new(e.start as usize), CharIdx::new(e.end as usize), e.label.clone())).collect()
}

/// The engine's suggestions for `docs`, as a dataset to score.
fn predict(engine: &Engine, docs: &[&DocRecord], schema: &Schema) -> Dataset {
    let mut ds = Dataset::empty(schema);
    for d in docs {
        let text = Text::new(d.text.clone());
        let mut rec = (*d).clone();
        rec.relations.clear();
        rec.entities = engine
            .suggest(&text, schema, 0.3)
            .into_iter()
            .enumerate()
            .map(|(i, c)| EntityRecord::new(i + 1, &text, c.start, c.end, c.label))
            .collect();
        ds.documents.push(rec);
    }
    ds
}

fn effort(gold: &[&DocRecord], pred: &Dataset, schema: &Schema) -> f64 {
    let mut g = Dataset::empty(schema);
    g.documents = gold.iter().map(|d| (*d).clone()).collect();
    let opts = ScoreOptions {
        label_map: [("GPE".to_owned(), "LOC".to_owned())].into(),
        labels: Some(vec!["PER".into(), "ORG".into(), "LOC".into()]),
        ..Default::default()
    };
    score(&g, pred, &opts).map_or(f64::NAN, |r| r.effort.ratio)
}

/// Effort on the documents outside `taught`: of the shipped engine, and of
/// the shipped engine after it learned from the documents in `taught`.
fn effort_before_after(docs: &[DocRecord], taught: &[usize], schema: &Schema) -> (f64, f64) {
    let rest: Vec<&DocRecord> = docs.iter().enumerate().filter(|(i, _)| !taught.contains(i)).map(|(_, d)| d).collect();
    let before = effort(&rest, &predict(&Engine::builtin(), &rest, schema), schema);
    let engine = Engine::builtin();
    for d in taught.iter().filter_map(|&i| docs.get(i)) {
        engine.learn(&Text::new(d.text.clone()), &gold_spans(d));
    }
    (before, effort(&rest, &predict(&engine, &rest, schema), schema))
}

/// `k` distinct indices below `n`, from a small deterministic generator.
fn draw(n: usize, k: usize, state: &mut u64) -> Vec<usize> {
    let mut out = Vec::with_capacity(k);
    while out.len() < k.min(n) {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        let i = ((z ^ (z >> 31)) % n as u64) as usize;
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// A document's gold entities as mentions, and its relations as indices
/// into them.
fn gold_mentions(d: &DocRecord) -> (Vec<Mention>, Vec<(usize, usize, String)>) {
    let mentions = d.entities.iter().map(|e| Mention::new(e.start as usize, e.end as usize, &e.label)).collect();
    let at = |id: &str| d.entities.iter().position(|e| e.id == id);
    let relations = d.relations.iter().filter_map(|r| Some((at(&r.head)?, at(&r.tail)?, r.label.clone()))).collect();
    (mentions, relations)
}

/// The relation engine's suggestions on `d`, between the shipped entity
/// engine's suggestions (`entities`), as a one-document dataset.
fn predict_relations(relations: &RelationEngine, d: &DocRecord, entities: &[EntityRecord], schema: &Schema) -> Dataset {
    let text = Text::new(d.text.clone());
    let mentions: Vec<Mention> = entities.iter().map(|e| Mention::new(e.start as usize, e.end as usize, &e.label)).collect();
    let mut rec = d.clone();
    rec.entities = entities.to_vec();
    rec.relations = relations
        .suggest(&text, &mentions, schema, DEFAULT_MIN_SCORE)
        .into_iter()
        .enumerate()
        .map(|(i, r)| RelationRecord::new(i + 1, r.head + 1, r.tail + 1, r.label))
        .collect();
    let mut ds = Dataset::empty(schema);
    ds.documents.push(rec);
    ds
}

/// Relation F1 and effort at k = 0 … 4 corrected seeds, every rotation.
fn relation_rotations(seeds: &Dataset, schema: &Schema) {
    let engine = Engine::builtin();
    let entities: Vec<Vec<EntityRecord>> = seeds
        .documents
        .iter()
        .map(|d| {
            let text = Text::new(d.text.clone());
            engine
                .suggest(&text, schema, 0.3)
                .into_iter()
                .enumerate()
                .map(|(i, c)| EntityRecord::new(i + 1, &text, c.start, c.end, c.label))
                .collect()
        })
        .collect();
    let n = seeds.documents.len();
    let opts = ScoreOptions { relations: true, ..Default::default() };
    let mut base = None;
    for k in 0..n {
        let (mut f1, mut effort) = (0.0, 0.0);
        let (mut right, mut predicted, mut gold) = (0, 0, 0);
        for (target, held_out) in seeds.documents.iter().enumerate() {
            let relations = RelationEngine::new();
            for d in seeds.documents.iter().enumerate().filter(|&(i, _)| i != target).map(|(_, d)| d).take(k) {
                let (mentions, rels) = gold_mentions(d);
                relations.learn_document(&Text::new(d.text.clone()), &mentions, schema, &rels, DEFAULT_MIN_SCORE);
            }
            let pred = predict_relations(&relations, held_out, entities.get(target).map_or(&[][..], |v| v), schema);
            let mut g = Dataset::empty(schema);
            g.documents.push(held_out.clone());
            let Some(r) = score(&g, &pred, &opts).ok().and_then(|r| r.relations) else { continue };
            f1 += r.micro.f1;
            effort += r.effort.ratio;
            right += r.effort.right;
            predicted += r.effort.predicted;
            gold += r.effort.gold;
        }
        let (f1, effort) = (f1 / n as f64, effort / n as f64);
        let b = *base.get_or_insert(effort);
        println!(
            "seeds relations k={k}: mean relation F1 {f1:.3}, mean relation effort {effort:.4} over {n} rotations ({:+.1} % vs k=0); {right} right of {predicted} suggested, {gold} gold",
            (effort / b - 1.0) * 100.0
        );
    }
}

fn main() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("shared");
    let (Ok(dev), Ok(seeds)) =
        (read_dataset(&shared.join("eval/winer-fr/winer-fr.dev.json")), read_dataset(&shared.join("eval/seeds.gold.json")))
    else {
        eprintln!("skipped: ../shared/eval is absent");
        return;
    };
    let schema = Schema::news();
    relation_rotations(&seeds, &schema);
    if std::env::var_os("SPANLAB_BENCH_RELATIONS_ONLY").is_some() {
        return;
    }
    let docs = &dev.documents;

    const DRAWS: usize = 20;
    let mut state = 2026u64;
    for k in [1usize, 2, 5] {
        let mut changes = Vec::with_capacity(DRAWS);
        for r in 0..DRAWS {
            let taught: Vec<usize> = if r == 0 { (0..k).collect() } else { draw(docs.len(), k, &mut state) };
            let (before, after) = effort_before_after(docs, &taught, &schema);
            let change = (after / before - 1.0) * 100.0;
            changes.push(change);
            if r == 0 {
                println!("dev   k={k}, the first {k}: effort {before:.4} -> {after:.4} on the other {} ({change:+.1} %)", docs.len() - k);
            }
        }
        let mean = changes.iter().sum::<f64>() / changes.len() as f64;
        let lo = changes.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = changes.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        println!(
            "dev   k={k}, {DRAWS} draws: effort change on the other {} mean {mean:+.1} % (from {lo:+.1} to {hi:+.1} %)",
            docs.len() - k
        );
    }

    if std::env::var_os("SPANLAB_BENCH_QUICK").is_none() {
        match read_dataset(&shared.join("corpora/winer-fr/winer-fr.train.json")) {
            Ok(train) => {
                let half = docs.len() / 2;
                let rest: Vec<&DocRecord> = docs.iter().skip(half).collect();
                let shipped = effort(&rest, &predict(&Engine::builtin(), &rest, &schema), &schema);
                let mut extra = Dataset::empty(&schema);
                extra.documents = docs.iter().take(half).cloned().collect();
                let tagger = train_from_dataset(&[train, extra], TrainOptions::default(), |_, _| {});
                let retrained = effort(&rest, &predict(&Engine::with_tagger(Some(tagger)), &rest, &schema), &schema);
                println!(
                    "dev   retrained on the training corpus + {half} dev articles: effort on the other {} {shipped:.4} -> {retrained:.4} ({:+.1} %)",
                    rest.len(),
                    (retrained / shipped - 1.0) * 100.0
                );
            }
            Err(e) => eprintln!("retraining skipped: {e}"),
        }
    }

    let n = seeds.documents.len();
    let mut base = None;
    for k in 0..n {
        let mut total = 0.0;
        for (target, held_out) in seeds.documents.iter().enumerate() {
            let taught = seeds.documents.iter().enumerate().filter(|&(i, _)| i != target).map(|(_, d)| d).take(k);
            let engine = Engine::builtin();
            for d in taught {
                engine.learn(&Text::new(d.text.clone()), &gold_spans(d));
            }
            let t = [held_out];
            total += effort(&t, &predict(&engine, &t, &schema), &schema);
        }
        let e = total / n as f64;
        let b = *base.get_or_insert(e);
        println!("seeds k={k}: mean effort {e:.4} over {n} rotations ({:+.1} % vs k=0)", (e / b - 1.0) * 100.0);
    }
}
