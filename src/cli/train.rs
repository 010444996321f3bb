//! `spanlab train CORPUS... --out MODEL`: trains the suggestion tagger on gold
//! datasets or project folders, reproducibly (same corpus, epochs and seed:
//! byte-identical model).
//!
//! Owns: the subcommand's arguments, reading the corpora and writing the
//! model file; the training itself is [`train_from_dataset`]'s. Must not
//! touch: the built-in model in `assets/` (it writes only `--out`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::model::{Dataset, ExportOptions};
use crate::store::Project;
use crate::store::atomic::write_atomic;
use crate::store::project::read_dataset;
use crate::suggest::tagger::{TrainOptions, train_from_dataset};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Dataset JSON files or project folders (documents marked skipped are left out).
    #[arg(required = true)]
    corpus: Vec<PathBuf>,
    /// Where to write the model.
    #[arg(long, value_name = "MODEL")]
    out: PathBuf,
    /// Passes over the corpus.
    #[arg(long)]
    epochs: Option<usize>,
    /// Seed of the document shuffle.
    #[arg(long)]
    seed: Option<u64>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let mut datasets: Vec<Dataset> = Vec::new();
    for path in &a.corpus {
        if path.is_dir() {
            let project = Project::open(path, None)?;
            let (ds, _) = project.export(ExportOptions::default(), |_| {})?;
            datasets.push(ds);
        } else {
            let ds = read_dataset(path)?;
            let problems = ds.validate(None);
            if let Some(p) = problems.first() {
                bail!("{}: {} problem(s), first: {p}", path.display(), problems.len());
            }
            datasets.push(ds);
        }
    }
    let docs: usize = datasets.iter().map(|d| d.documents.len()).sum();
    if docs == 0 {
        bail!("no documents to train on");
    }
    let mut options = TrainOptions::default();
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
    let tagger = train_from_dataset(&datasets, options.clone(), |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    let bytes = tagger.to_bytes();
    write_atomic(&a.out, &bytes).with_context(|| format!("writing {}", a.out.display()))?;
    println!(
        "wrote {}: {} bytes, {} features, trained on {docs} documents, {} epochs, seed {}, in {:.1} s",
        a.out.display(),
        bytes.len(),
        tagger.feature_count(),
        options.epochs,
        options.seed,
        t0.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
