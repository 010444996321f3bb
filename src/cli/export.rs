//! `spanlab export DIR --out PATH [--format F]`: recovers what crashed
//! spanlabs left in their journals (never the journal of one still
//! running), refuses a destination inside the project (it would be read
//! back as articles), writes the export, and says what the project could
//! not give it: every warning, and, when files could not be read, that
//! their documents are missing (exit 1).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::formats::{FormatArgs, parse_format};
use crate::model::ExportOptions;
use crate::store::Project;
use crate::store::formats::Format;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project folder.
    dir: PathBuf,
    /// Where to write (a file; a folder for brat).
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// spanlab (the gold dataset JSON), doccano, spacy-jsonl, docbin, brat,
    /// conll or label-studio.
    #[arg(long, value_name = "F", default_value = "spanlab", value_parser = parse_format)]
    format: Format,
    /// Where the annotations live (default: DIR/annotations).
    #[arg(long, value_name = "DIR")]
    annotations: Option<PathBuf>,
    /// One annotator's version (their files in ANNOTATIONS/annotators/NAME/).
    #[arg(long, value_name = "NAME")]
    annotator: Option<String>,
    /// Only documents whose status is `done`.
    #[arg(long)]
    done_only: bool,
    /// Also write pending suggestions as entities (marked "suggestion";
    /// Label Studio: as predictions).
    #[arg(long)]
    include_suggestions: bool,
    #[command(flatten)]
    convert: FormatArgs,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let mut project = Project::open_as(&a.dir, a.annotations.as_deref(), a.annotator.as_deref())?;
    project.check_export_destination(&a.out)?;
    // Edits crashed spanlabs left in their journals go into the files
    // first; a running window's journal is its own, left alone.
    if let Some(other) = crate::store::lock::holder(&project.annotations) {
        eprintln!("note: spanlab ({other}) has this project open; its unsaved edits are not in this export");
    }
    if let Some(n) = project.recover_journal()?.notice() {
        eprintln!("{n}");
    }
    for w in &project.passed_over {
        eprintln!("note: {w}");
    }
    for w in &project.warnings {
        eprintln!("warning: {w}");
    }
    let bar = super::progress::documents(project.entries.len(), "export");
    let options = ExportOptions { done_only: a.done_only, include_suggestions: a.include_suggestions };
    // The gold JSON is written as it is made, one document at a time.
    let (report, notes) = crate::store::convert::export_project(
        &project,
        options,
        &crate::store::project::InMemory::new(),
        a.format,
        &a.convert.options(),
        &crate::store::formats::format_tokens,
        &a.out,
        a.convert.strict,
        |n| bar.set_position(n as u64),
    )
    .with_context(|| format!("exporting {}", a.dir.display()))?;
    bar.finish_and_clear();
    println!("wrote {}", a.out.display());
    super::formats::print(&report);
    if notes.documents_left_out > 0 {
        println!("{} documents left out{}", notes.documents_left_out, if a.done_only { ": not done" } else { "" });
    }
    if notes.suggestions_clashing > 0 {
        println!("{} pending suggestions overlap a gold span or a better suggestion and were not written", notes.suggestions_clashing);
    }
    if notes.orphans > 0 {
        println!("warning: {} spans wait for review after their article changed; they are not in the export", notes.orphans);
    }
    if !project.unreadable.is_empty() {
        println!(
            "incomplete: {} file(s) of the project could not be read (above); what they hold is not in this export",
            project.unreadable.len()
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
