//! `spanlab suggest INPUT... --out FILE.json`: pre-annotates texts and writes
//! a dataset whose entities are the suggestions (status `new`), with the
//! relations the relation engine suggests between them (each marked, as
//! the entities are, with a `suggestion` object: recognizer, score,
//! state).
//!
//! Owns: the subcommand's arguments and its output dataset. The engine
//! (over the shipped model, or `--model`) runs on scoped threads, one run of documents per core; an
//! external recommender (`--recommender`, read by
//! [`Endpoint::parse`]) is asked afterwards, one document at a time, and
//! its candidates merged by [`merge_external`]. Must not touch: the
//! project's annotation files (it writes only `--out`).
//!
//! Streaming (`spanlab suggest - --out -`, for GNU parallel, Spark's
//! `rdd.pipe` and other batch engines): JSONL documents on standard input
//! (or one `.jsonl` file) — `text`, an optional `id` (else `doc-NNNN` by
//! line), any other field kept, and entities already there kept too — and
//! one gold line per document on standard output, in input order, with the
//! suggestions as pending entities (those that overlap a kept entity left
//! out). Memory stays the same whatever the number of lines
//! ([`stream_lines`]); a bad line is named on standard error
//! (`<stdin>:12: …`) and left out, and the exit status is 1 if any was.

use std::path::PathBuf;
use std::process::ExitCode;

use std::io::Write as _;

use anyhow::{Context, Result};

use super::suggested::{self, Suggested};
use crate::model::dataset::{Dataset, EntityRecord};
use crate::model::tokenize::Tokenized;
use crate::model::{Schema, Text};
use crate::store::atomic::write_atomic_with;
use crate::store::convert::stream_lines;
use crate::store::inputs::{InputDoc, read_inputs};
use std::time::Duration;

use crate::suggest::external::{Ask, Endpoint, External, merge_relations};
use crate::suggest::relations::DEFAULT_MIN_SCORE;
use crate::suggest::{Engine, Mention, RelationCandidate, RelationEngine, merge_external};

// The subcommand's model: see `super::models`.

#[derive(Debug, clap::Args)]
pub struct Args {
    /// .txt/.md/.html files, folders, .jsonl files or dataset .json files.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Where to write the dataset JSON; `-`: stream gold lines to standard
    /// output, one per JSONL line of the input (`-` for standard input).
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
    /// Suggest with this model (made by `spanlab train`) instead of the
    /// shipped one.
    #[arg(long, value_name = "MODEL")]
    model: Option<PathBuf>,
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

/// Candidates as the relation engine reads them.
fn as_mentions(c: &[crate::suggest::Candidate]) -> Vec<Mention> {
    c.iter().map(|c| Mention { start: c.start, end: c.end, label: c.label.clone() }).collect()
}

/// Suggests entities for each input document, with each record's
/// provenance kept beside it (see [`Suggested`]; `into_record` gives the
/// dataset record). An external recommender's failures are pushed to
/// `errors` (naming the document) and that document keeps the built-in
/// suggestions.
#[allow(clippy::too_many_arguments)]
pub fn suggest_documents(
    engine: &Engine,
    relations: Option<RelationOptions<'_>>,
    external: Option<&External>,
    schema: &Schema,
    docs: Vec<InputDoc>,
    min_score: f32,
    errors: &mut Vec<String>,
    tick: &(dyn Fn() + Sync),
) -> Vec<Suggested> {
    let (names, texts): (Vec<(String, String, String)>, Vec<Text>) = docs.into_iter().map(|d| ((d.id, d.source, d.sha256), d.text)).unzip();
    // The built-in engine runs on every core; an external recommender is one
    // process, asked in order.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(texts.len().max(1));
    let chunk = texts.len().div_ceil(threads).max(1);
    // Without a recommender, each document's relations are suggested on the
    // same thread, from the tokens its entities were found on.
    type Found = (Vec<crate::suggest::Candidate>, Option<Vec<RelationCandidate>>);
    let mut found: Vec<Found> = Vec::with_capacity(texts.len());
    std::thread::scope(|scope| {
        let handles: Vec<_> = texts
            .chunks(chunk)
            .map(|part| {
                let n = part.len();
                let handle = scope.spawn(move || {
                    part.iter()
                        .map(|t| {
                            let doc = Tokenized::new(t.as_str());
                            let c = engine.suggest_tokenized(t, &doc, schema, min_score);
                            let mut r = None;
                            if external.is_none() {
                                r = relations.map(|r| r.engine.suggest_tokenized(t, &doc, &as_mentions(&c), schema, r.min_score));
                                tick();
                            }
                            (c, r)
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
                    found.extend(std::iter::repeat_with(|| (Vec::new(), None)).take(n));
                }
            }
        }
    });
    names
        .into_iter()
        .zip(texts)
        .zip(found)
        .map(|(((id, source, sha256), text), (mut candidates, suggested_relations))| {
            let mut external_relations = Vec::new();
            if let Some(ext) = external {
                let (labels, relation_labels) =
                    (schema.entity_names(), if relations.is_some() { schema.relation_names() } else { Vec::new() });
                let spans = as_mentions(&candidates);
                match ext.ask(&id, &text, Ask { labels: &labels, relation_labels: &relation_labels, spans: &spans }) {
                    Ok(answer) => {
                        candidates = merge_external(candidates, answer.spans, min_score);
                        external_relations = answer.relations;
                    }
                    Err(e) => errors.push(format!("document {id}: {e}")),
                }
                tick();
            }
            let relations: Vec<RelationCandidate> = relations
                .map(|r| {
                    let mentions = as_mentions(&candidates);
                    let suggested = suggested_relations.unwrap_or_else(|| r.engine.suggest(&text, &mentions, schema, r.min_score));
                    merge_relations(&mentions, suggested, external_relations, r.min_score)
                })
                .unwrap_or_default();
            Suggested::new(id, source, (text, sha256), candidates, relations)
        })
        .collect()
}

/// The schema to suggest labels of: a project folder's, when it is the only
/// input, else the news schema.
fn schema_of(inputs: &[PathBuf]) -> Result<Schema> {
    match inputs {
        [one] if one.is_dir() => Ok(crate::store::Project::open(one, None)?.schema),
        _ => Ok(Schema::news()),
    }
}

pub fn run(a: Args) -> Result<ExitCode> {
    if a.out.as_os_str() == "-" {
        return stream(&a);
    }
    let docs = read_inputs(&a.inputs)?;
    let schema = schema_of(&a.inputs)?;
    let engine = super::models::engine_for(a.model.as_deref(), &schema)?;
    let external = match a.recommender.as_deref() {
        None => None,
        Some(r) => {
            let endpoint = Endpoint::parse(r).context("--recommender is empty: give a command line or http://127.0.0.1:PORT")?;
            Some(External::new(endpoint, Duration::from_millis(a.recommender_timeout_ms)))
        }
    };
    let bar = super::progress::documents(docs.len(), "suggest");
    let head = Dataset::empty(&schema);
    let mut errors = Vec::new();
    let relation_engine = RelationEngine::new();
    let relations = (!a.no_relations).then_some(RelationOptions { engine: &relation_engine, min_score: a.relation_min_score });
    let mut documents = suggest_documents(&engine, relations, external.as_ref(), &schema, docs, a.min_score, &mut errors, &|| bar.inc(1));
    bar.finish_and_clear();
    for e in &errors {
        eprintln!("warning: {e}");
    }
    documents.sort_by(|a, b| a.record.id.cmp(&b.record.id));
    let problems = suggested::validate(&documents, &schema);
    if let Some(p) = problems.first() {
        anyhow::bail!("the suggestions do not form a valid dataset ({} problems), first: {p}", problems.len());
    }
    // Written as it is serialised, each suggestion's object made on the way.
    write_atomic_with(&a.out, |out| suggested::write_dataset(&head, &documents, out))
        .with_context(|| format!("writing {}", a.out.display()))?;
    let n: usize = documents.iter().map(|d| d.record.entities.len()).sum();
    let r: usize = documents.iter().map(|d| d.record.relations.len()).sum();
    println!("wrote {}: {} documents, {n} suggested entities, {r} suggested relations", a.out.display(), documents.len());
    Ok(ExitCode::SUCCESS)
}

/// The suggestions for a text as pending entities (`"suggestion"` with the
/// recognizer, the score to four decimals and `"state": "pending"`).
fn suggestion_records(text: &Text, candidates: Vec<crate::suggest::Candidate>) -> Vec<EntityRecord> {
    candidates
        .into_iter()
        .map(|c| {
            let mut extra = crate::model::span::Extra::new();
            extra.insert(
                "suggestion".into(),
                serde_json::json!({"recognizer": c.recognizer, "score": (f64::from(c.score) * 1e4).round() / 1e4, "state": "pending"}),
            );
            EntityRecord { extra, ..EntityRecord::new(0, text, c.start, c.end, c.label) }
        })
        .collect()
}

/// One line of a stream: the document with its suggestions as a gold line,
/// `None` for a blank or skipped line, or the error naming the place in the
/// line. An external recommender's failure is a warning (`Err` inside
/// `Ok`): the line keeps the built-in suggestions.
fn suggest_line(
    engine: &Engine,
    external: Option<&External>,
    schema: &Schema,
    min_score: f32,
    n: usize,
    line: &str,
) -> Result<(Option<String>, Option<String>, usize), crate::store::formats::FormatError> {
    use crate::store::formats::{Direction, Format, Options, Report, lines};
    let mut report = Report::new(Format::GoldLines, Direction::Import);
    let Some(mut record) = lines::read_line(Format::GoldLines, line, n, &Options::default(), &mut report)? else {
        if line.trim().is_empty() {
            return Ok((None, None, 0));
        }
        return Err(crate::store::formats::FormatError::new("\"text\"", "missing: each line is a document with a text"));
    };
    let text = Text::new(record.text.clone());
    let mut candidates = engine.suggest(&text, schema, min_score);
    let mut warning = None;
    if let Some(ext) = external {
        match ext.request(&record.id, &text, &schema.entity_names()) {
            Ok(more) => candidates = merge_external(candidates, more, min_score),
            Err(e) => warning = Some(format!("document {}: {e}", record.id)),
        }
    }
    let kept: Vec<(i64, i64)> = record.entities.iter().map(|e| (e.start, e.end)).collect();
    let suggested: Vec<EntityRecord> =
        suggestion_records(&text, candidates).into_iter().filter(|e| !kept.iter().any(|&(s, t)| s < e.end && e.start < t)).collect();
    let count = suggested.len();
    record.entities.extend(suggested);
    record.renumber();
    let mut out = serde_json::to_string(&record).map_err(|e| crate::store::formats::FormatError::new("", e.to_string()))?;
    out.push('\n');
    Ok((Some(out), warning, count))
}

/// `suggest - --out -`: the streaming mode (see the module's header).
fn stream(a: &Args) -> Result<ExitCode> {
    let [input] = a.inputs.as_slice() else {
        anyhow::bail!("with --out -, give one input: - (standard input) or one .jsonl file");
    };
    let schema = Schema::news();
    let engine = super::models::engine_for(a.model.as_deref(), &schema)?;
    let external = match a.recommender.as_deref() {
        None => None,
        Some(r) => {
            let endpoint = Endpoint::parse(r).context("--recommender is empty: give a command line or http://127.0.0.1:PORT")?;
            Some(External::new(endpoint, Duration::from_millis(a.recommender_timeout_ms)))
        }
    };
    let name = if input.as_os_str() == "-" { "<stdin>".to_owned() } else { input.display().to_string() };
    let reader: Box<dyn std::io::Read + Send> = if input.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(input).with_context(|| format!("{}: cannot open", input.display()))?)
    };
    let (mut documents, mut entities, mut failed) = (0usize, 0usize, 0usize);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let map = |n: usize, line: &str| suggest_line(&engine, external.as_ref(), &schema, a.min_score, n, line);
    let streamed = stream_lines(reader, map, |n, result, last| {
        match result {
            Err(message) => {
                failed += 1;
                eprintln!("{name}:{n}: {message}");
            }
            Ok(Err(e)) => {
                failed += 1;
                let at = if e.place.is_empty() { String::new() } else { format!("{}: ", e.place) };
                eprintln!("{name}:{n}: {at}{}", e.message);
            }
            Ok(Ok((line, warning, count))) => {
                if let Some(w) = warning {
                    eprintln!("{name}:{n}: warning: {w}");
                }
                if let Some(line) = line {
                    documents += 1;
                    entities += count;
                    out.write_all(line.as_bytes())?;
                }
            }
        }
        if last { out.flush() } else { Ok(()) }
    });
    match streamed.and_then(|()| out.flush()) {
        // The reader of the output stopped (`| head`): its choice.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(e) => return Err(anyhow::Error::new(e).context(format!("streaming {name}"))),
        Ok(()) => {}
    }
    eprintln!("suggested {entities} entities in {documents} documents");
    if failed > 0 {
        eprintln!("{failed} line(s) failed (named above); the others were written");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
