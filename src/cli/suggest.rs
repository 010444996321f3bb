//! `spanlab suggest INPUT... --out FILE.json`: pre-annotates texts and writes
//! a dataset whose entities are the suggestions (status `new`), with the
//! relations the relation engine suggests between them (each marked, as
//! the entities are, with a `suggestion` object: recognizer, score,
//! state).
//!
//! Owns: the subcommand's arguments and its output dataset. The built-in
//! engine runs on scoped threads, one run of documents per core; an
//! external recommender (`--recommender`, read by
//! [`Endpoint::parse`]) is asked afterwards, one document at a time, and
//! its candidates merged by [`merge_external`]. Must not touch: the
//! project's annotation files (it writes only `--out`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::model::dataset::{Dataset, DocRecord, EntityRecord, RelationRecord};
use crate::model::document::sha256_hex;
use crate::model::{Schema, Text};
use crate::store::atomic::write_atomic;
use crate::store::inputs::{InputDoc, read_inputs};
use std::time::Duration;

use crate::suggest::external::{Ask, Endpoint, External, merge_relations};
use crate::suggest::relations::DEFAULT_MIN_SCORE;
use crate::suggest::{Engine, Mention, RelationCandidate, RelationEngine, merge_external};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// .txt/.md/.html files, folders, .jsonl files or dataset .json files.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Where to write the dataset JSON.
    #[arg(long, value_name = "FILE.json")]
    out: PathBuf,
    /// Leave out suggestions scored below this (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    min_score: f32,
    /// Also ask an external recommender: a command line, or http://127.0.0.1:PORT
    /// (protocol in the README).
    #[arg(long, value_name = "CMD_OR_URL")]
    recommender: Option<String>,
    /// How long the recommender may take per document.
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    recommender_timeout_ms: u64,
    /// Leave out relation suggestions scored below this (0 to 1; the
    /// window's default threshold).
    #[arg(long, default_value_t = DEFAULT_MIN_SCORE)]
    relation_min_score: f32,
    /// Suggest no relations.
    #[arg(long)]
    no_relations: bool,
}

/// What to suggest besides entities: relations from this engine, kept from
/// this score on (`None`: no relations).
#[derive(Clone, Copy, Debug)]
pub struct RelationOptions<'a> {
    /// The relation engine.
    pub engine: &'a RelationEngine,
    /// The threshold.
    pub min_score: f32,
}

/// A `suggestion` object as datasets write it.
fn provenance(recognizer: &crate::model::RecognizerName, score: f32) -> crate::model::span::Extra {
    let mut extra = crate::model::span::Extra::new();
    extra.insert(
        "suggestion".into(),
        serde_json::json!({"recognizer": recognizer, "score": (f64::from(score) * 1e4).round() / 1e4, "state": "pending"}),
    );
    extra
}

/// Suggests entities for each input document, as dataset records. An
/// external recommender's failures are pushed to `errors` (naming the
/// document) and that document keeps the built-in suggestions.
#[allow(clippy::too_many_arguments)]
pub fn suggest_records(
    engine: &Engine,
    relations: Option<RelationOptions<'_>>,
    external: Option<&External>,
    schema: &Schema,
    docs: Vec<InputDoc>,
    min_score: f32,
    errors: &mut Vec<String>,
    tick: &(dyn Fn() + Sync),
) -> Vec<DocRecord> {
    let texts: Vec<Text> = docs.iter().map(|d| Text::new(d.text.clone())).collect();
    // The built-in engine runs on every core; an external recommender is one
    // process, asked in order.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(texts.len().max(1));
    let chunk = texts.len().div_ceil(threads).max(1);
    let mut found: Vec<Vec<crate::suggest::Candidate>> = Vec::with_capacity(texts.len());
    std::thread::scope(|scope| {
        let handles: Vec<_> = texts
            .chunks(chunk)
            .map(|part| {
                let n = part.len();
                let handle = scope.spawn(move || {
                    part.iter()
                        .map(|t| {
                            let c = engine.suggest(t, schema, min_score);
                            if external.is_none() {
                                tick();
                            }
                            c
                        })
                        .collect::<Vec<_>>()
                });
                (n, handle)
            })
            .collect();
        for (n, h) in handles {
            match h.join() {
                Ok(v) => found.extend(v),
                Err(_) => {
                    errors.push(format!("a suggestion thread failed; {n} documents got no built-in suggestions"));
                    found.extend(std::iter::repeat_with(Vec::new).take(n));
                }
            }
        }
    });
    docs.into_iter()
        .zip(texts)
        .zip(found)
        .map(|((d, text), mut candidates)| {
            let as_mentions = |c: &[crate::suggest::Candidate]| -> Vec<Mention> {
                c.iter().map(|c| Mention { start: c.start, end: c.end, label: c.label.clone() }).collect()
            };
            let mut external_relations = Vec::new();
            if let Some(ext) = external {
                let (labels, relation_labels) = (schema.entity_names(), if relations.is_some() { schema.relation_names() } else { Vec::new() });
                let spans = as_mentions(&candidates);
                match ext.ask(&d.id, &text, Ask { labels: &labels, relation_labels: &relation_labels, spans: &spans }) {
                    Ok(answer) => {
                        candidates = merge_external(candidates, answer.spans, min_score);
                        external_relations = answer.relations;
                    }
                    Err(e) => errors.push(format!("document {}: {e}", d.id)),
                }
                tick();
            }
            let mentions = as_mentions(&candidates);
            let relations: Vec<RelationCandidate> = relations
                .map(|r| merge_relations(&mentions, r.engine.suggest(&text, &mentions, schema, r.min_score), external_relations, r.min_score))
                .unwrap_or_default();
            let relations: Vec<RelationRecord> = relations
                .into_iter()
                .enumerate()
                .map(|(i, r)| RelationRecord { extra: provenance(&r.recognizer, r.score), ..RelationRecord::new(i + 1, r.head + 1, r.tail + 1, r.label) })
                .collect();
            let entities: Vec<EntityRecord> = candidates
                .into_iter()
                .enumerate()
                .map(|(i, c)| EntityRecord { extra: provenance(&c.recognizer, c.score), ..EntityRecord::new(i + 1, &text, c.start, c.end, c.label) })
                .collect();
            let mut record = DocRecord {
                id: d.id,
                source: d.source,
                sha256: sha256_hex(text.as_str()),
                text: text.as_str().to_owned(),
                status: crate::model::Status::New,
                entities,
                relations,
                extra: Default::default(),
            };
            record.renumber();
            record
        })
        .collect()
}

pub fn run(a: Args) -> Result<ExitCode> {
    let docs = read_inputs(&a.inputs)?;
    let schema = Schema::news();
    let engine = Engine::builtin();
    let external = match a.recommender.as_deref() {
        None => None,
        Some(r) => {
            let endpoint = Endpoint::parse(r).context("--recommender is empty: give a command line or http://127.0.0.1:PORT")?;
            Some(External::new(endpoint, Duration::from_millis(a.recommender_timeout_ms)))
        }
    };
    let bar = super::progress::documents(docs.len(), "suggest");
    let mut dataset = Dataset::empty(&schema);
    let mut errors = Vec::new();
    let relation_engine = RelationEngine::new();
    let relations = (!a.no_relations).then_some(RelationOptions { engine: &relation_engine, min_score: a.relation_min_score });
    dataset.documents = suggest_records(&engine, relations, external.as_ref(), &schema, docs, a.min_score, &mut errors, &|| bar.inc(1));
    bar.finish_and_clear();
    for e in &errors {
        eprintln!("warning: {e}");
    }
    dataset.documents.sort_by(|a, b| a.id.cmp(&b.id));
    let problems = dataset.validate(Some(&schema));
    if let Some(p) = problems.first() {
        anyhow::bail!("the suggestions do not form a valid dataset ({} problems), first: {p}", problems.len());
    }
    write_atomic(&a.out, dataset.to_json().as_bytes()).with_context(|| format!("writing {}", a.out.display()))?;
    let n: usize = dataset.documents.iter().map(|d| d.entities.len()).sum();
    let r: usize = dataset.documents.iter().map(|d| d.relations.len()).sum();
    println!("wrote {}: {} documents, {n} suggested entities, {r} suggested relations", a.out.display(), dataset.documents.len());
    Ok(ExitCode::SUCCESS)
}
