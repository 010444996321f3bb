//! Learning from corrections: `cargo bench --bench learning` simulates an
//! annotator who corrects k documents (feeding their gold to the engine, as
//! the window does when a document is marked done) and measures the
//! correction effort of the suggestions on documents not corrected.
//!
//! - dev set (`../shared/eval/winer-fr`): corrections on the first k of its
//!   100 articles (k = 0, 1, 2, 5), effort on articles 6–100 (the same set
//!   for every k).
//! - seeds (`../shared/eval/seeds.gold.json`): corrections on up to 4 seeds,
//!   effort on the fifth, averaged over every rotation (k = 0 … 4).
//!
//! Effort as `shared/tools/score.py` (labels PER, ORG, LOC; GPE scored as
//! LOC). Every simulation starts from the shipped model and writes nothing
//! back to it.

use std::path::Path;

use spanlab::model::dataset::{Dataset, DocRecord};
use spanlab::model::score::{ScoreOptions, score};
use spanlab::model::{CharIdx, Schema, Text};
use spanlab::store::project::read_dataset;
use spanlab::suggest::Engine;

fn gold_spans(d: &DocRecord) -> Vec<(CharIdx, CharIdx, String)> {
    d.entities.iter().map(|e| (CharIdx(e.start as usize), CharIdx(e.end as usize), e.label.clone())).collect()
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
            .map(|(i, c)| spanlab::model::dataset::EntityRecord {
                id: format!("T{}", i + 1),
                start: c.start.0 as i64,
                end: c.end.0 as i64,
                label: c.label,
                text: text.slice(c.start, c.end).unwrap_or("").to_owned(),
                extra: Default::default(),
            })
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

fn main() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("shared");
    let (Ok(dev), Ok(seeds)) =
        (read_dataset(&shared.join("eval/winer-fr/winer-fr.dev.json")), read_dataset(&shared.join("eval/seeds.gold.json")))
    else {
        eprintln!("skipped: ../shared/eval is absent");
        return;
    };
    let schema = Schema::news();

    let held_out: Vec<&DocRecord> = dev.documents.iter().skip(5).collect();
    let mut base = None;
    for k in [0usize, 1, 2, 5] {
        let engine = Engine::builtin();
        for d in dev.documents.iter().take(k) {
            engine.learn(&Text::new(d.text.clone()), &gold_spans(d));
        }
        let e = effort(&held_out, &predict(&engine, &held_out, &schema), &schema);
        let b = *base.get_or_insert(e);
        println!("dev   k={k}: effort {e:.4} on {} held-out articles ({:+.1} % vs k=0)", held_out.len(), (e / b - 1.0) * 100.0);
    }

    let n = seeds.documents.len();
    let mut base = None;
    for k in 0..n {
        let mut total = 0.0;
        for target in 0..n {
            let engine = Engine::builtin();
            for d in seeds.documents.iter().enumerate().filter(|(i, _)| *i != target).map(|(_, d)| d).take(k) {
                engine.learn(&Text::new(d.text.clone()), &gold_spans(d));
            }
            let t = [&seeds.documents[target]];
            total += effort(&t, &predict(&engine, &t, &schema), &schema);
        }
        let e = total / n as f64;
        let b = *base.get_or_insert(e);
        println!("seeds k={k}: mean effort {e:.4} over {n} rotations ({:+.1} % vs k=0)", (e / b - 1.0) * 100.0);
    }
}
