//! `spanlab import PATH --into DIR [--format F]`

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use super::formats::{FormatArgs, parse_format};
use crate::store::formats::Format;
use crate::store::project::import_dataset_with;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A dataset in any format spanlab reads (a folder for brat).
    path: PathBuf,
    /// The project folder to create or add to.
    #[arg(long, value_name = "DIR")]
    into: PathBuf,
    /// spanlab, doccano, spacy-jsonl, docbin, brat, conll or label-studio
    /// (default: guessed from the name and content).
    #[arg(long, value_name = "F", value_parser = parse_format)]
    format: Option<Format>,
    /// CoNLL: the original texts (a gold dataset JSON or a project folder),
    /// so tokens are re-attached to them by offset; without it the text is
    /// rebuilt from the tokens.
    #[arg(long, value_name = "PATH")]
    texts: Option<PathBuf>,
    /// Import as this annotator's version (ANNOTATIONS/annotators/NAME/).
    #[arg(long, value_name = "NAME")]
    annotator: Option<String>,
    #[command(flatten)]
    convert: FormatArgs,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let texts = a.texts.as_deref().map(crate::store::convert::read_texts).transpose()?;
    let (dataset, report) = crate::store::convert::read(&a.path, a.format, &a.convert.options(), texts.as_ref())?;
    if a.convert.strict {
        crate::store::convert::refuse_losses(&a.path, &report)?;
    }
    super::formats::print(&report);
    let r = import_dataset_with(&dataset, report.declared_schema.as_ref(), &a.path, &a.into, a.annotator.as_deref())?;
    println!(
        "imported {} documents ({} entities, {} relations) into {}: {} articles written, {} already there",
        r.documents,
        r.entities,
        r.relations,
        a.into.display(),
        r.articles_written,
        r.articles_existing
    );
    if let Some((schema, widened)) = &r.schema_taken {
        let from = match (&report.declared_schema, report.format) {
            (Some(_), Format::Brat) => "its annotation.conf",
            (Some(_), _) => "the schema it declares",
            (None, _) => "the labels in the data",
        };
        println!(
            "the new project takes the source's schema, from {from}: {} entity labels, {} relation labels, overlapping spans {}{}",
            schema.entity_labels.len(),
            schema.relation_labels.len(),
            if schema.allow_overlap { "allowed" } else { "forbidden" },
            if widened.is_empty() { "" } else { "; widened to fit the data:" }
        );
        for w in widened {
            println!("  {w}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
