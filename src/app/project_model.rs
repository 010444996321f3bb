//! The project model: a tagger continued from the shipped model on the
//! project's documents marked done (any labels of its schema, any
//! language), kept in the annotations folder as `project-model.bin` and
//! rebuilt when the done documents change. It is what `spanlab train DIR
//! --base builtin` writes, byte for byte, so the window and the command
//! line suggest alike after the same corrections.
//!
//! Owns: [`build`], [`MODEL_FILE`]. Must not touch: annotation files (it
//! reads the project through its export and writes only its own model
//! file), the window. Runs on the suggester's worker thread.

use std::path::PathBuf;

use crate::model::ExportOptions;
use crate::store::Project;
use crate::store::atomic::write_atomic;
use crate::suggest::learning::{builtin_base, train_model};
use crate::suggest::tagger::{corpus_digest, examples_from};
use crate::suggest::{BUILTIN_MODEL, Tagger, TrainOptions};

/// The model's file name in the annotations folder.
pub const MODEL_FILE: &str = "project-model.bin";

/// Where a project keeps its model.
pub fn model_path(project: &Project) -> PathBuf {
    project.annotations.join(MODEL_FILE)
}

/// The project model for the documents marked done now: the one on disk
/// when it was trained on exactly them from this shipped model, else a new
/// one, trained and saved. `None` when no document is done.
/// `progress(done, total)` counts training steps.
pub fn build(project: &Project, progress: impl FnMut(usize, usize)) -> Result<Option<Tagger>, String> {
    let (ds, _) = project.export(ExportOptions { done_only: true, include_suggestions: false }, |_| {}).map_err(|e| e.to_string())?;
    let datasets = [ds];
    let examples = examples_from(&datasets);
    if examples.is_empty() {
        return Ok(None);
    }
    let path = model_path(project);
    let base = builtin_base();
    let digest = corpus_digest(&examples);
    if let Ok(bytes) = std::fs::read(&path)
        && let Ok(kept) = Tagger::from_bytes(&bytes)
        && kept.training_info().corpus_sha256 == digest
        && kept.training_info().base.as_ref().is_some_and(|b| b.sha256 == base.sha256)
    {
        return Ok(Some(kept));
    }
    let shipped = Tagger::from_bytes(BUILTIN_MODEL).map_err(|e| format!("the shipped model: {e}"))?;
    let tagger = train_model(&datasets, Some((&shipped, base)), &TrainOptions::continuing(), progress);
    write_atomic(&path, &tagger.to_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Some(tagger))
}
