//! `spanlab import FILE --into DIR`

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use crate::store::project::{import_dataset, read_dataset};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A gold dataset JSON (shared/dataset-format.md).
    file: PathBuf,
    /// The project folder to create or add to.
    #[arg(long, value_name = "DIR")]
    into: PathBuf,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let dataset = read_dataset(&a.file)?;
    let r = import_dataset(&dataset, &a.file, &a.into)?;
    println!(
        "imported {} documents ({} entities, {} relations) into {}: {} articles written, {} already there",
        r.documents,
        r.entities,
        r.relations,
        a.into.display(),
        r.articles_written,
        r.articles_existing
    );
    Ok(ExitCode::SUCCESS)
}
