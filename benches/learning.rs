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
//! - English (`../shared/eval/dwie-en`, 200 articles annotated by others,
//!   for evaluation and simulation only): the user corrects the first k
//!   articles (k = 0, 20, 50) and marks them done; the engine suggests on
//!   the last 150 with the project model the window trains on them
//!   (`spanlab train DIR --base builtin`), and, for comparison, after
//!   online learning alone. Labels PER, ORG, GPE, LOC, EVENT, no map.
//! - A label the shipped model never saw: a model trained like the shipped
//!   one on the WiNER-fr training corpus *without the paragraphs that hold
//!   an ORG span* (so it never saw the label, nor its names as O); the user's
//!   schema calls organisations `INST`, a name nothing in spanlab knows. The
//!   user corrects the first 20 WiNER-fr dev articles; F1 of `INST` on the
//!   other 80.
//!
//!   `SPANLAB_BENCH_NEW_LABEL_ONLY` runs only this part (after the
//!   relations); `SPANLAB_BENCH_NEW_LABEL_SHOW` prints the project model's
//!   rule votes, each `INST` mention it misses (with what it suggested
//!   there) and each `INST` suggestion, right (OK) or wrong (BAD).
//!
//! Effort as `shared/tools/score.py` (French: labels PER, ORG, LOC; GPE
//! scored as LOC). Every simulation starts from the shipped model (or, for
//! the new label, from the model trained without it) and writes nothing
//! back to it.
//!
//! Relations (printed first): on the seeds, every rotation, a fresh
//! relation engine (the shipped state) learns from k = 0 … 4 other seeds'
//! corrected relations (their gold entities and relations, as when the
//! annotator marks them done), then suggests relations on the fifth
//! between the shipped entity engine's own suggestions; relation F1 and
//! relation correction effort (`spanlab eval --relations`) averaged over
//! the rotations, and each rotation's effort; then what the effort would
//! be were no suggestion wrong (the misses alone: how far precision alone
//! could take it). The same again with the entity engine learning from the
//! same k seeds' entities (as the window's does from documents marked
//! done), relations suggested between its suggestions. Then the window's
//! flow, where the annotator fixes the entities before the relations and
//! the relation suggestions follow the spans as they are (`seeds relations
//! over the fixed (gold) entities`): relations suggested between the
//! held-out seed's gold entities. With
//! `SPANLAB_BENCH_RELATIONS_SHOW` set, every suggested relation is printed
//! (right or wrong, who made it, its score) and every gold relation missed
//! (with its score, or the entity the entity engine missed).

use std::path::Path;

use spanlab::model::dataset::{Dataset, DocRecord, EntityRecord, RelationRecord};
use spanlab::model::score::{Report, ScoreOptions, score};
use spanlab::model::{CharIdx, Schema, Status, Text};
use spanlab::store::project::read_dataset;
use spanlab::suggest::learning::{builtin_base, train_model};
use spanlab::suggest::relations::DEFAULT_MIN_SCORE;
use spanlab::suggest::tagger::BaseModel;
use spanlab::suggest::{BUILTIN_MODEL, Engine, Mention, RelationEngine, Tagger, TrainOptions, train_from_dataset};

fn gold_spans(d: &DocRecord) -> Vec<(CharIdx, CharIdx, String)> {
    d.entities.iter().map(|e| (CharIdx::new(e.start as usize), CharIdx::new(e.end as usize), e.label.clone())).collect()
}

/// The engine's suggestions for `docs`, as a dataset to score.
fn predict(engine: &Engine, docs: &[&DocRecord], schema: &Schema) -> Dataset {
    predict_at(engine, docs, schema, 0.3)
}

/// [`predict`] with a threshold (0: as `spanlab suggest`).
fn predict_at(engine: &Engine, docs: &[&DocRecord], schema: &Schema, min_score: f32) -> Dataset {
    let mut ds = Dataset::empty(schema);
    for d in docs {
        let text = Text::new(d.text.clone());
        let mut rec = (*d).clone();
        rec.relations.clear();
        rec.entities = engine
            .suggest(&text, schema, min_score)
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
    let sugg = relations.suggest(&text, &mentions, schema, DEFAULT_MIN_SCORE);
    if std::env::var_os("SPANLAB_BENCH_RELATIONS_SHOW").is_some() {
        let span = |i: usize| entities.get(i).map(|e| (e.start, e.end)).unwrap_or((0, 0));
        let name = |i: usize| entities.get(i).map(|e| e.text.clone()).unwrap_or_default();
        let gold_at = |id: &str| d.entities.iter().find(|e| e.id == id).map(|e| (e.start, e.end));
        for r in &sugg {
            let ok = d
                .relations
                .iter()
                .any(|g| g.label == r.label && gold_at(&g.head) == Some(span(r.head)) && gold_at(&g.tail) == Some(span(r.tail)));
            eprintln!(
                "  {} {} {} -> {} {} {:.2}",
                if ok { "OK " } else { "BAD" },
                r.label,
                name(r.head),
                name(r.tail),
                r.recognizer,
                r.score
            );
        }
        let pos = |sp: Option<(i64, i64)>| entities.iter().position(|e| Some((e.start, e.end)) == sp);
        for g in &d.relations {
            let (h, t) = (pos(gold_at(&g.head)), pos(gold_at(&g.tail)));
            let found = sugg.iter().any(|r| Some(r.head) == h && Some(r.tail) == t && r.label == g.label);
            if !found {
                let gname = |id: &str| d.entities.iter().find(|e| e.id == id).map(|e| e.text.clone()).unwrap_or_default();
                let score = match (h, t) {
                    (Some(h), Some(t)) => format!("{:?}", relations.score_of(&text, &mentions, schema, h, t, &g.label)),
                    _ => "entity missed".to_owned(),
                };
                eprintln!("  MISS {} {} -> {} {score}", g.label, gname(&g.head), gname(&g.tail));
            }
        }
    }
    rec.relations = sugg.into_iter().enumerate().map(|(i, r)| RelationRecord::new(i + 1, r.head + 1, r.tail + 1, r.label)).collect();
    let mut ds = Dataset::empty(schema);
    ds.documents.push(rec);
    ds
}

/// The shipped entity engine's suggestions on `d`, or, with `taught`, those
/// of an entity engine that learned from them first (as the window's does
/// from the documents marked done).
fn entity_suggestions(d: &DocRecord, taught: &[&DocRecord], schema: &Schema) -> Vec<EntityRecord> {
    let engine = Engine::builtin();
    for t in taught {
        engine.learn(&Text::new(t.text.clone()), &gold_spans(t));
    }
    let text = Text::new(d.text.clone());
    engine
        .suggest(&text, schema, 0.3)
        .into_iter()
        .enumerate()
        .map(|(i, c)| EntityRecord::new(i + 1, &text, c.start, c.end, c.label))
        .collect()
}

/// Which entities the relations of the held-out seed are suggested between.
#[derive(Clone, Copy, PartialEq)]
enum Ends {
    /// The shipped entity engine's suggestions (end to end).
    Shipped,
    /// The suggestions of an entity engine that learned from the same k
    /// seeds.
    Learned,
    /// The held-out seed's gold entities: the window's flow, where the
    /// annotator fixes the entities first and the relation suggestions
    /// follow the spans as they are.
    Gold,
}

/// Relation F1 and effort at k = 0 … 4 corrected seeds, every rotation,
/// relations suggested between the entities `ends` says.
fn relation_rotations(seeds: &Dataset, schema: &Schema, ends: Ends) {
    let shipped: Vec<Vec<EntityRecord>> = seeds.documents.iter().map(|d| entity_suggestions(d, &[], schema)).collect();
    let n = seeds.documents.len();
    let opts = ScoreOptions { relations: true, ..Default::default() };
    let what = match ends {
        Ends::Shipped => "seeds relations",
        Ends::Learned => "seeds relations, entities learned too",
        Ends::Gold => "seeds relations over the fixed (gold) entities",
    };
    let mut base = None;
    for k in 0..n {
        let (mut f1, mut effort, mut bound) = (0.0, 0.0, 0.0);
        let (mut right, mut predicted, mut gold) = (0, 0, 0);
        let mut per_rotation = Vec::with_capacity(n);
        for (target, held_out) in seeds.documents.iter().enumerate() {
            let relations = RelationEngine::new();
            let taught: Vec<&DocRecord> =
                seeds.documents.iter().enumerate().filter(|&(i, _)| i != target).map(|(_, d)| d).take(k).collect();
            for d in &taught {
                let (mentions, rels) = gold_mentions(d);
                relations.learn_document(&Text::new(d.text.clone()), &mentions, schema, &rels);
            }
            let entities = match ends {
                Ends::Learned if k > 0 => entity_suggestions(held_out, &taught, schema),
                Ends::Gold => {
                    let text = Text::new(held_out.text.clone());
                    let at = |i: i64| CharIdx::new(i as usize);
                    held_out
                        .entities
                        .iter()
                        .enumerate()
                        .map(|(i, e)| EntityRecord::new(i + 1, &text, at(e.start), at(e.end), e.label.clone()))
                        .collect()
                }
                _ => shipped.get(target).cloned().unwrap_or_default(),
            };
            if std::env::var_os("SPANLAB_BENCH_RELATIONS_SHOW").is_some() {
                eprintln!("{what} k={k}, held-out seed {}:", target + 1);
            }
            let pred = predict_relations(&relations, held_out, &entities, schema);
            let mut g = Dataset::empty(schema);
            g.documents.push(held_out.clone());
            let Some(r) = score(&g, &pred, &opts).ok().and_then(|r| r.relations) else { continue };
            f1 += r.micro.f1;
            effort += r.effort.ratio;
            // The effort if every wrong suggestion were gone: the misses alone.
            bound += (r.effort.gold - r.effort.right) as f64 / r.effort.gold.max(1) as f64;
            per_rotation.push(format!("{:.3} ({}/{})", r.effort.ratio, r.effort.right, r.effort.predicted));
            right += r.effort.right;
            predicted += r.effort.predicted;
            gold += r.effort.gold;
        }
        let (f1, effort, bound) = (f1 / n as f64, effort / n as f64, bound / n as f64);
        let b = *base.get_or_insert(effort);
        println!(
            "{what} k={k}: mean relation F1 {f1:.3}, mean relation effort {effort:.4} over {n} rotations ({:+.1} % vs k=0); {right} right of {predicted} suggested, {gold} gold; {bound:.4} were no suggestion wrong",
            (effort / b - 1.0) * 100.0
        );
        println!("{what} k={k}: effort per rotation (held-out seed 1 … {n}; right/suggested): {}", per_rotation.join(", "));
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
    relation_rotations(&seeds, &schema, Ends::Shipped);
    relation_rotations(&seeds, &schema, Ends::Learned);
    relation_rotations(&seeds, &schema, Ends::Gold);
    if std::env::var_os("SPANLAB_BENCH_RELATIONS_ONLY").is_some() {
        return;
    }
    if std::env::var_os("SPANLAB_BENCH_NEW_LABEL_ONLY").is_some() {
        new_label(&shared, &dev);
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

    english(&shared, &schema);
    new_label(&shared, &dev);

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

/// The project model the window trains on documents marked done (the same
/// as `spanlab train DIR --base builtin`), continued from `base`, as read
/// back from its file (what a reopened project loads).
fn project_model(docs: &[DocRecord], schema: &Schema, base: (&Tagger, BaseModel)) -> Tagger {
    let mut ds = Dataset::empty(schema);
    ds.documents = docs.iter().map(|d| DocRecord { status: Status::Done, ..d.clone() }).collect();
    let trained = train_model(&[ds], Some(base), &TrainOptions::continuing(), |_, _| {});
    match Tagger::from_bytes(&trained.to_bytes()) {
        Ok(read) => read,
        Err(e) => {
            eprintln!("the project model does not read back ({e}): measured as trained");
            trained
        }
    }
}

fn report(gold: &[&DocRecord], pred: &Dataset, schema: &Schema, labels: &[&str]) -> Option<Report> {
    let mut g = Dataset::empty(schema);
    g.documents = gold.iter().map(|d| (*d).clone()).collect();
    let opts = ScoreOptions { labels: Some(labels.iter().map(|l| (*l).to_owned()).collect()), ..Default::default() };
    score(&g, pred, &opts).ok()
}

/// English news: the project model after k corrected articles, effort and
/// F1 on the last 150.
fn english(shared: &Path, schema: &Schema) {
    const LABELS: [&str; 5] = ["PER", "ORG", "GPE", "LOC", "EVENT"];
    let Ok(dwie) = read_dataset(&shared.join("eval/dwie-en/dwie-en.dev.json")) else {
        eprintln!("English skipped: ../shared/eval/dwie-en is absent");
        return;
    };
    let docs = &dwie.documents;
    let rest: Vec<&DocRecord> = docs.iter().skip(50).collect();
    let Ok(shipped) = Tagger::from_bytes(BUILTIN_MODEL) else {
        eprintln!("English skipped: the shipped model does not load");
        return;
    };
    let line = |what: &str, engine: &Engine| {
        let Some(r) = report(&rest, &predict_at(engine, &rest, schema, 0.0), schema, &LABELS) else {
            return;
        };
        let per: Vec<String> = LABELS.iter().filter_map(|l| r.per_label.get(*l).map(|s| format!("{l} {:.3}", s.exact.f1))).collect();
        println!(
            "english {what}: effort {:.4}, micro-F1 {:.3} (P {:.3}, R {:.3}) on the last {}; F1 {}",
            r.effort.ratio,
            r.micro.f1,
            r.micro.precision,
            r.micro.recall,
            rest.len(),
            per.join(", ")
        );
    };
    line("k=0  shipped engine", &Engine::builtin());
    for k in [20usize, 50] {
        let taught: Vec<DocRecord> = docs.iter().take(k).cloned().collect();
        let model = project_model(&taught, schema, (&shipped, builtin_base()));
        line(&format!("k={k} project model"), &Engine::with_tagger(Some(model)));
        let online = Engine::builtin();
        for d in &taught {
            online.learn(&Text::new(d.text.clone()), &gold_spans(d));
        }
        line(&format!("k={k} online only  "), &online);
    }
}

/// A label the model never saw, learned from 20 corrected articles.
fn new_label(shared: &Path, dev: &Dataset) {
    const NEW: &str = "INST";
    let Ok(mut train) = read_dataset(&shared.join("corpora/winer-fr/winer-fr.train.json")) else {
        eprintln!("new label skipped: ../shared/corpora/winer-fr is absent");
        return;
    };
    for d in &mut train.documents {
        leave_out_paragraphs_with(d, "ORG");
    }
    let base = train_from_dataset(&[train], TrainOptions::default(), |_, _| {});
    let about = BaseModel { name: "winer-fr without ORG".into(), sha256: String::new(), labels: base.labels().to_vec() };
    let schema = Schema::from_label_names("project", &["PER", NEW, "GPE", "LOC", "DATE", "EVENT"], &[]);
    let renamed: Vec<DocRecord> = dev
        .documents
        .iter()
        .map(|d| {
            let mut d = d.clone();
            for e in &mut d.entities {
                if e.label == "ORG" {
                    e.label = NEW.into();
                }
            }
            d
        })
        .collect();
    let (taught, rest) = renamed.split_at(20.min(renamed.len()));
    let rest: Vec<&DocRecord> = rest.iter().collect();
    let f1 = |engine: &Engine| {
        report(&rest, &predict_at(engine, &rest, &schema, 0.0), &schema, &[NEW])
            .map_or((f64::NAN, f64::NAN, f64::NAN), |r| (r.micro.f1, r.micro.precision, r.micro.recall))
    };
    let (f, p, r) = f1(&Engine::with_tagger(Some(base.clone())));
    println!("new label {NEW} (WiNER-fr ORG, held out of training) k=0: F1 {f:.3} (P {p:.3}, R {r:.3}) on the other {}", rest.len());
    let model = project_model(taught, &schema, (&base, about));
    let project = Engine::with_tagger(Some(model));
    if std::env::var_os("SPANLAB_BENCH_NEW_LABEL_SHOW").is_some() {
        eprintln!("rule votes: {:?}", project.rule_votes());
        show_label(&project, &rest, &schema, NEW);
    }
    let (f, p, r) = f1(&project);
    println!("new label {NEW} k={}, project model: F1 {f:.3} (P {p:.3}, R {r:.3}) on the other {}", taught.len(), rest.len());
    let online = Engine::with_tagger(Some(base));
    for d in taught {
        online.learn(&Text::new(d.text.clone()), &gold_spans(d));
    }
    let (f, p, r) = f1(&online);
    println!("new label {NEW} k={}, online only:   F1 {f:.3} (P {p:.3}, R {r:.3}) on the other {}", taught.len(), rest.len());
}

/// Prints, for `label`, each gold mention missed (with what the engine
/// suggested over it, if anything) and each suggestion that is no gold
/// mention of it (with the gold span over it, if any); the right ones too.
fn show_label(engine: &Engine, docs: &[&DocRecord], schema: &Schema, label: &str) {
    for d in docs {
        let text = Text::new(d.text.clone());
        let sugg = engine.suggest(&text, schema, 0.0);
        let all = engine.candidates(&text);
        let slice = |a: usize, b: usize| d.text.chars().skip(a).take(b - a).collect::<String>();
        for g in d.entities.iter().filter(|e| e.label == label) {
            let (a, b) = (g.start as usize, g.end as usize);
            if sugg.iter().any(|c| c.start.get() == a && c.end.get() == b && c.label == label) {
                continue;
            }
            let over: Vec<String> = sugg
                .iter()
                .filter(|c| c.start.get() < b && c.end.get() > a)
                .map(|c| format!("{} {} {} {:.2}", slice(c.start.get(), c.end.get()), c.label, c.recognizer, c.score))
                .collect();
            let cands: Vec<String> = all
                .iter()
                .filter(|c| c.start.get() < b && c.end.get() > a)
                .map(|c| format!("{} {} {}", slice(c.start.get(), c.end.get()), c.label, c.recognizer))
                .collect();
            eprintln!("  MISS {} [{}] candidates [{}]", g.text, over.join("; "), cands.join("; "));
        }
        for c in sugg.iter().filter(|c| c.label == label) {
            let (a, b) = (c.start.get(), c.end.get());
            if d.entities.iter().any(|e| e.label == label && e.start as usize == a && e.end as usize == b) {
                eprintln!("  OK   {} {} {:.2}", slice(a, b), c.recognizer, c.score);
                continue;
            }
            let over: Vec<String> = d
                .entities
                .iter()
                .filter(|e| (e.start as usize) < b && (e.end as usize) > a)
                .map(|e| format!("{} {}", e.text, e.label))
                .collect();
            eprintln!("  BAD  {} {} {:.2} [{}]", slice(a, b), c.recognizer, c.score, over.join("; "));
        }
    }
}

/// Leaves out of a document the paragraphs (lines) that hold a span of
/// `label`, moving the other spans with their text.
fn leave_out_paragraphs_with(d: &mut DocRecord, label: &str) {
    let chars: Vec<char> = d.text.chars().collect();
    let mut text = String::new();
    let mut kept = Vec::new();
    let (mut start, mut removed) = (0usize, 0i64);
    for i in 0..=chars.len() {
        if i < chars.len() && chars.get(i) != Some(&'\n') {
            continue;
        }
        let end = (i + 1).min(chars.len());
        let inside: Vec<&EntityRecord> = d.entities.iter().filter(|e| e.start >= start as i64 && e.end <= end as i64).collect();
        if inside.iter().any(|e| e.label == label) {
            removed += (end - start) as i64;
        } else {
            text.extend(chars.get(start..end).unwrap_or_default());
            for e in inside {
                let mut e = e.clone();
                e.start -= removed;
                e.end -= removed;
                kept.push(e);
            }
        }
        start = end;
    }
    d.text = text;
    d.entities = kept;
    d.relations.clear();
    d.sha256.clear();
}
