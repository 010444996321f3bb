//! `spanlab train CORPUS... --out MODEL [--base builtin|MODEL]`: trains a
//! suggestion model on gold datasets or project folders, reproducibly (same
//! corpus, base, epochs and seed: byte-identical model).
//!
//! Owns: the subcommand's arguments, reading the corpora and the base, and
//! writing the model file; the training itself is
//! [`train_model`]'s. Must not touch: the built-in model in `assets/` (it
//! writes only `--out`), the projects it reads.
//!
//! A project folder gives its documents marked done, in the project's
//! order: what the window trains its project model on, so that `spanlab
//! train DIR --base builtin` writes the same model as the window keeps in
//! `DIR/annotations/`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::model::{Dataset, ExportOptions};
use crate::store::Project;
use crate::store::atomic::write_atomic;
use crate::store::project::read_dataset;
use crate::suggest::learning::train_model;
use crate::suggest::tagger::TrainOptions;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Dataset JSON files (documents marked skipped are left out) or project
    /// folders (their documents marked done).
    #[arg(required = true)]
    corpus: Vec<PathBuf>,
    /// Where to write the model.
    #[arg(long, value_name = "MODEL")]
    out: PathBuf,
    /// Continue from a model: `builtin` (the shipped one) or a model file.
    /// Labels it does not have are added; the rules' proposals become
    /// features and the corpus's names are recorded (as in the window's
    /// project model).
    #[arg(long, value_name = "builtin|MODEL")]
    base: Option<String>,
    /// Passes over the corpus.
    #[arg(long)]
    epochs: Option<usize>,
    /// Seed of the document shuffle.
    #[arg(long)]
    seed: Option<u64>,
}

/// The documents of a corpus path: a project's documents marked done, or a
/// dataset file's.
pub fn corpus_dataset(path: &std::path::Path) -> Result<Dataset> {
    if path.is_dir() {
        let project = Project::open(path, None)?;
        let (ds, _) = project.export(ExportOptions { done_only: true, include_suggestions: false }, |_| {})?;
        return Ok(ds);
    }
    let ds = read_dataset(path)?;
    let problems = ds.validate(None);
    if let Some(p) = problems.first() {
        bail!("{} problem(s), first: {p} in {}", problems.len(), path.display());
    }
    Ok(ds)
}

pub fn run(a: Args) -> Result<ExitCode> {
    let mut datasets: Vec<Dataset> = Vec::new();
    for path in &a.corpus {
        datasets.push(corpus_dataset(path)?);
    }
    let docs: usize = datasets.iter().map(|d| d.documents.len()).sum();
    if docs == 0 {
        bail!("no documents to train on (a project folder gives its documents marked done)");
    }
    let base = a.base.as_deref().map(super::models::read_base).transpose()?;
    let mut options = if base.is_some() { TrainOptions::continuing() } else { TrainOptions::default() };
    if let Some(e) = a.epochs {
        options.epochs = e.max(1);
    }
    if let Some(s) = a.seed {
        options.seed = s;
    }
    let bar = indicatif::ProgressBar::new((docs * options.epochs) as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("train [{bar:30}] {pos}/{len} document passes ({per_sec}, {eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let t0 = std::time::Instant::now();
    let base_ref = base.as_ref().map(|(t, about)| (t, about.clone()));
    let tagger = train_model(&datasets, base_ref, &options, |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    let bytes = tagger.to_bytes();
    write_atomic(&a.out, &bytes).with_context(|| format!("writing {}", a.out.display()))?;
    let info = tagger.training_info();
    let languages: Vec<String> = info.languages.iter().map(|(l, n)| format!("{l} {n}")).collect();
    println!(
        "wrote {}: {} bytes, labels {}, {} features, {} names, trained on {docs} documents ({}), {} epochs, seed {}{}, in {:.1} s",
        a.out.display(),
        bytes.len(),
        tagger.labels().join(" "),
        tagger.feature_count(),
        tagger.names().len(),
        languages.join(", "),
        options.epochs,
        options.seed,
        info.base.as_ref().map_or_else(String::new, |b| format!(", from {}", b.name)),
        t0.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
