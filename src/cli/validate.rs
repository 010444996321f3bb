//! `spanlab validate FILE_OR_DIR`: every problem, each naming file, document
//! and entity, each said once; exit 1 if there is any. What a project
//! passes over is said too (as notes).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use crate::model::dataset::{ExportNotes, document_record, validate_record};
use crate::store::annotations::annotation_path;
use crate::store::project::read_dataset;
use crate::store::{Project, StoreError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A dataset JSON file or a project folder.
    path: PathBuf,
    /// Where a project's annotations live (default: DIR/annotations).
    #[arg(long, value_name = "DIR")]
    annotations: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let mut problems: Vec<String> = Vec::new();
    let mut checked = 0;
    if a.path.is_dir() {
        let project = Project::open(&a.path, a.annotations.as_deref())?;
        for w in &project.passed_over {
            eprintln!("note: {w}");
        }
        for w in project.warnings.iter().filter(|w| !project.unreadable.contains(w)) {
            eprintln!("warning: {w}");
        }
        // A file that cannot be read hides what it holds: a problem.
        problems.extend(project.unreadable.iter().cloned());
        let mut cache = crate::store::project::SourceCache::default();
        for (i, entry) in project.entries.iter().enumerate() {
            checked += 1;
            match project.load_cached(i, &mut cache) {
                Ok(loaded) => {
                    let file = annotation_path(&project.annotations, &entry.id);
                    let rec = document_record(&loaded.doc, false, &mut ExportNotes::default());
                    for p in validate_record(&rec, &entry.id.0, &project.schema) {
                        problems.push(format!("{}: {p}", file.display()));
                    }
                    for o in &loaded.doc.orphans {
                        eprintln!("warning: {}: document {}: span {:?} waits for review ({})", file.display(), entry.id, o.text, o.reason);
                    }
                }
                Err(e) => problems.push(e.to_string()),
            }
        }
    } else {
        let dataset = match read_dataset(&a.path) {
            Ok(d) => d,
            Err(e @ (StoreError::Json { .. } | StoreError::NotADataset(_) | StoreError::Decode { .. })) => {
                println!("{e}");
                println!("invalid: 1 problem");
                return Ok(ExitCode::from(1));
            }
            Err(e) => return Err(e.into()),
        };
        checked = dataset.documents.len();
        for p in dataset.validate(None) {
            problems.push(format!("{}: {p}", a.path.display()));
        }
    }
    // A file that cannot be read is also the error of each document in it.
    let mut seen = std::collections::BTreeSet::new();
    problems.retain(|p| seen.insert(p.clone()));
    for p in &problems {
        println!("{p}");
    }
    if problems.is_empty() {
        println!("valid: {checked} documents");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("invalid: {} problem(s) in {checked} documents", problems.len());
        Ok(ExitCode::from(1))
    }
}
