//! `spanlab eval --gold GOLD.json (--pred PRED.json | --suggest)`: per-label
//! precision/recall/F1, boundary-lenient F1 and correction effort, with the
//! definitions of `shared/tools/score.py`.
//!
//! Owns: the subcommand's arguments, the predictions it makes with
//! `--suggest`, and the printed tables; the figures are [`score`]'s. Must
//! not touch: files other than the ones it reads (it writes nothing).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::model::Schema;
use crate::model::score::{Counts, Report, ScoreOptions, score};
use crate::store::inputs::InputDoc;
use crate::store::project::read_dataset;
use crate::suggest::RelationEngine;
use crate::suggest::relations::DEFAULT_MIN_SCORE;

use super::suggest::RelationOptions;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The gold dataset.
    #[arg(long, value_name = "GOLD.json")]
    gold: PathBuf,
    /// Predictions to score.
    #[arg(long, value_name = "PRED.json", conflicts_with = "suggest", required_unless_present = "suggest")]
    pred: Option<PathBuf>,
    /// Score spanlab's own suggestions on the gold texts.
    #[arg(long)]
    suggest: bool,
    /// With --suggest: suggest with this model (made by `spanlab train`)
    /// instead of the shipped one.
    #[arg(long, value_name = "MODEL", requires = "suggest")]
    model: Option<PathBuf>,
    /// Label mapping applied to gold and predictions, e.g. GPE=LOC (repeat or comma-separate).
    #[arg(long = "map", value_name = "FROM=TO")]
    map: Vec<String>,
    /// Comma-separated labels to score (after mapping).
    #[arg(long, value_name = "A,B")]
    labels: Option<String>,
    /// Also score relations (with `--suggest`: the relation engine's, on
    /// its own entity suggestions).
    #[arg(long)]
    relations: bool,
    /// With `--suggest --relations`: leave out relation suggestions scored
    /// below this.
    #[arg(long, default_value_t = DEFAULT_MIN_SCORE)]
    relation_min_score: f32,
    /// Also score gold documents whose status is `skipped`.
    #[arg(long)]
    include_skipped: bool,
    /// Leave out gold documents that no prediction matches.
    #[arg(long)]
    matched_only: bool,
    /// End the output with one line of JSON holding every number.
    #[arg(long)]
    json: bool,
}

fn parse_map(values: &[String]) -> Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    for v in values {
        for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let Some((a, b)) = item.split_once('=') else { bail!("--map expects FROM=TO (e.g. --map GPE=LOC), got {item:?}") };
            if a.trim().is_empty() || b.trim().is_empty() || b.contains('=') {
                bail!("--map expects FROM=TO (e.g. --map GPE=LOC), got {item:?}");
            }
            map.insert(a.trim().to_owned(), b.trim().to_owned());
        }
    }
    Ok(map)
}

pub fn run(a: Args) -> Result<ExitCode> {
    let gold = read_dataset(&a.gold)?;
    let problems = gold.validate(None);
    if let Some(p) = problems.first() {
        bail!("{}: {} problem(s), first: {p}", a.gold.display(), problems.len());
    }
    let pred = match &a.pred {
        Some(p) => read_dataset(p)?,
        None => {
            let schema = Schema::news();
            let engine = super::models::engine_for(a.model.as_deref(), &schema)?;
            let docs = gold.documents.iter().map(|d| InputDoc::new(d.id.clone(), d.source.clone(), d.text.clone())).collect();
            let mut ds = crate::model::Dataset::empty(&schema);
            let relation_engine = RelationEngine::new();
            let relations = a.relations.then_some(RelationOptions { engine: &relation_engine, min_score: a.relation_min_score });
            ds.documents = super::suggest::suggest_documents(&engine, relations, None, &schema, docs, 0.0, &mut Vec::new(), &|| {})
                .into_iter()
                .map(super::suggested::Suggested::into_record)
                .collect();
            ds
        }
    };
    let labels = a.labels.as_ref().map(|l| l.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect::<Vec<_>>());
    if labels.as_ref().is_some_and(Vec::is_empty) {
        bail!("--labels is empty");
    }
    let opts = ScoreOptions {
        label_map: parse_map(&a.map)?,
        labels,
        relations: a.relations,
        include_skipped: a.include_skipped,
        matched_only: a.matched_only,
    };
    let report = score(&gold, &pred, &opts)?;
    print_report(&report, &a, &opts);
    if a.json {
        println!("{}", serde_json::to_string(&report)?);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(r: &Report, a: &Args, opts: &ScoreOptions) {
    let pred = match (&a.pred, &a.model) {
        (Some(p), _) => p.display().to_string(),
        (None, Some(m)) => format!("spanlab suggest (model {})", m.display()),
        (None, None) => "spanlab suggest (built-in engine)".to_owned(),
    };
    println!("gold: {}   pred: {pred}", a.gold.display());
    println!(
        "documents: {} scored ({} matched by id, {} by sha256, {} unmatched gold), {} unmatched pred, {} skipped gold left out",
        r.documents_scored,
        r.matched_by_id,
        r.matched_by_sha256,
        r.unmatched_gold.len(),
        r.unmatched_pred,
        r.skipped_gold
    );
    let map: Vec<String> = opts.label_map.iter().map(|(k, v)| format!("{k}->{v}")).collect();
    println!("label map: {}   labels: {}", if map.is_empty() { "(none)".into() } else { map.join(", ") }, r.labels.join(", "));
    println!();
    println!("ENTITIES (exact span + label; last column: boundary-lenient f1)");
    let w = r.labels.iter().map(String::len).max().unwrap_or(5).max(5);
    let head = format!(
        "{:<w$} {:>6} {:>6} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7}  lenient-f1",
        "label", "gold", "pred", "tp", "fp", "fn", "prec", "rec", "f1"
    );
    println!("{head}");
    println!("{}", "-".repeat(head.len()));
    let row = |name: &str, c: &Counts, extra: f64| {
        if c.empty {
            println!("{name:<w$} {:>6} {:>6} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7}  -", 0, 0, 0, 0, 0, "-", "-", "-");
        } else {
            println!(
                "{name:<w$} {:>6} {:>6} {:>6} {:>6} {:>6} {:>7.3} {:>7.3} {:>7.3}  {extra:.3}",
                c.gold, c.pred, c.tp, c.fp, c.fn_, c.precision, c.recall, c.f1
            );
        }
    };
    for l in &r.labels {
        if let Some(s) = r.per_label.get(l) {
            row(l, &s.exact, s.lenient.f1);
        }
    }
    println!("{}", "-".repeat(head.len()));
    row("micro", &r.micro, r.lenient_micro.f1);
    println!("{:<w$} {:>34} {:>7.3} {:>7.3} {:>7.3}", "macro", "", r.macro_precision, r.macro_recall, r.macro_f1);
    let e = &r.effort;
    let k = |n: &str| e.by_kind.get(n).copied().unwrap_or(0);
    println!(
        "correction effort: {} actions for {} gold spans = {:.3} of annotating from scratch (exact {}, relabel {}, resize {}, resize+relabel {}, create {}, reject {})",
        e.actions,
        e.gold,
        e.ratio,
        k("exact"),
        k("relabel"),
        k("resize"),
        k("resize_relabel"),
        k("create"),
        k("reject")
    );
    if !r.ignored_pred_labels.is_empty() {
        let v: Vec<String> = r.ignored_pred_labels.iter().map(|(k, v)| format!("{k} {v}")).collect();
        println!("ignored pred entities (label not scored): {}", v.join(", "));
    }
    if let Some(rel) = &r.relations {
        println!();
        println!(
            "RELATIONS (head span, tail span, label): micro p {:.3} r {:.3} f1 {:.3}; strict f1 {:.3}",
            rel.micro.precision, rel.micro.recall, rel.micro.f1, rel.strict_micro.f1
        );
        for (l, c) in &rel.per_label {
            if !c.empty {
                println!(
                    "  {l:<16} gold {:>4} pred {:>4} tp {:>4} prec {:.3} rec {:.3} f1 {:.3}",
                    c.gold, c.pred, c.tp, c.precision, c.recall, c.f1
                );
            }
        }
        let e = &rel.effort;
        println!(
            "relation correction effort: {} actions for {} gold relations = {:.3} (1.0 = no help; {} suggested: {} right, {} retyped, {} rejected; {} drawn)",
            e.actions, e.gold, e.ratio, e.predicted, e.right, e.retyped, e.rejected, e.drawn
        );
    }
}
