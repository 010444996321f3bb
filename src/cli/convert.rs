//! `spanlab convert IN OUT --from F --to G`: from one format to another,
//! without a project.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use super::formats::{FormatArgs, parse_format};
use crate::model::Dataset;
use crate::store::StoreError;
use crate::store::formats::Format;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The input (a folder for brat).
    input: PathBuf,
    /// The output (a folder for brat).
    output: PathBuf,
    /// The input's format (default: guessed from its name and content).
    #[arg(long, value_name = "F", value_parser = parse_format)]
    from: Option<Format>,
    /// The output's format.
    #[arg(long, value_name = "G", value_parser = parse_format)]
    to: Format,
    /// CoNLL input: the original texts (a gold dataset JSON or a project
    /// folder).
    #[arg(long, value_name = "PATH")]
    texts: Option<PathBuf>,
    #[command(flatten)]
    convert: FormatArgs,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let texts = a.texts.as_deref().map(crate::store::convert::read_texts).transpose()?;
    let options = a.convert.options();
    // Offsets given on the command line describe the output; the input's
    // unit comes from its own metadata.
    let read_options = crate::store::formats::Options { offsets: None, ..options.clone() };
    let (dataset, read_report) = crate::store::convert::read(&a.input, a.from, &read_options, texts.as_ref())?;
    if a.convert.strict {
        crate::store::convert::refuse_losses(&a.input, &read_report)?;
    }
    refuse_inconsistent(&a.input, &dataset)?;
    let schema = dataset.implied_schema();
    let report = crate::store::convert::write(
        &dataset,
        &schema,
        a.to,
        &options,
        &crate::store::formats::format_tokens,
        &a.output,
        a.convert.strict,
    )?;
    super::formats::print(&read_report);
    println!("wrote {}", a.output.display());
    super::formats::print(&report);
    Ok(ExitCode::SUCCESS)
}

/// Refuses a dataset that contradicts itself (offsets outside the text or
/// not on its entity's text, duplicate or dangling ids, labels missing from
/// its own schema block): the writers would turn it into a broken file.
/// Overlaps and relation directions are the target format's business, so
/// the schema here allows them.
fn refuse_inconsistent(input: &Path, dataset: &Dataset) -> Result<(), StoreError> {
    let mut schema = dataset.implied_schema();
    schema.allow_overlap = true;
    for r in &mut schema.relation_labels {
        r.head.clear();
        r.tail.clear();
    }
    let problems = dataset.validate(Some(&schema));
    if problems.is_empty() {
        return Ok(());
    }
    Err(StoreError::Invalid { path: input.to_path_buf(), problems: problems.iter().map(ToString::to_string).collect() })
}
