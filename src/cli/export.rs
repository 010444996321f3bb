//! `spanlab export DIR --out FILE`

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::model::ExportOptions;
use crate::store::Project;
use crate::store::atomic::write_atomic;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project folder.
    dir: PathBuf,
    /// Where to write the dataset JSON.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Where the annotations live (default: DIR/annotations).
    #[arg(long, value_name = "DIR")]
    annotations: Option<PathBuf>,
    /// Only documents whose status is `done`.
    #[arg(long)]
    done_only: bool,
    /// Also write pending suggestions as entities (marked "suggestion").
    #[arg(long)]
    include_suggestions: bool,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let project = Project::open(&a.dir, a.annotations.as_deref())?;
    let bar = super::progress::documents(project.entries.len(), "export");
    let options = ExportOptions { done_only: a.done_only, include_suggestions: a.include_suggestions };
    let (dataset, notes) = project.export(options, |n| bar.set_position(n as u64))?;
    bar.finish_and_clear();
    write_atomic(&a.out, dataset.to_json().as_bytes()).with_context(|| format!("writing {}", a.out.display()))?;
    println!(
        "wrote {}: {} documents, {} entities, {} relations ({} documents left out{})",
        a.out.display(),
        notes.documents,
        notes.entities,
        notes.relations,
        notes.documents_left_out,
        if a.done_only { ": not done" } else { "" }
    );
    if notes.suggestions_clashing > 0 {
        println!("{} pending suggestions overlap a gold span or a better suggestion and were not written", notes.suggestions_clashing);
    }
    if notes.orphans > 0 {
        println!("warning: {} spans wait for review after their article changed; they are not in the export", notes.orphans);
    }
    Ok(ExitCode::SUCCESS)
}
