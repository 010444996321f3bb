//! The project model: a tagger continued from the shipped model on the
//! project's documents marked done (any labels of its schema, any
//! language), kept in the annotations folder as `project-model.bin` and
//! rebuilt when the done documents change. It is what `spanlab train DIR
//! --base builtin` writes, byte for byte, so the window and the command
//! line suggest alike after the same corrections. A model on disk saved in
//! format 2 (before name ends were kept) gets the name ends of the done
//! documents when the project opens, without training again.
//!
//! With a model file chosen in Settings, the project model continues from
//! it instead (`spanlab train DIR --base FILE`).
//!
//! Owns: [`build`], [`base_model`], [`MODEL_FILE`]. Must not touch: annotation files (it
//! reads the project through its export and writes only its own model
//! file), the window. Runs on the suggester's trainer thread.

use std::path::PathBuf;

use crate::model::ExportOptions;
use crate::store::Project;
use crate::store::atomic::write_atomic;
use crate::suggest::learning::{builtin_base, file_base, load_model, name_ends_taught, train_model};
use crate::suggest::tagger::{BaseModel, corpus_digest, examples_from};
use crate::suggest::{BUILTIN_MODEL, Tagger, TrainOptions};

/// The model to start from: the shipped one, or a file (checked against
/// the project's schema; the error names the file), with what a model
/// continued from it records of it, as `spanlab train --base` does.
pub fn base_model(project: &Project, file: Option<&std::path::Path>) -> Result<(Tagger, BaseModel), String> {
    let Some(path) = file else {
        let shipped = Tagger::from_bytes(BUILTIN_MODEL).map_err(|e| format!("the shipped model: {e}"))?;
        return Ok((shipped, builtin_base()));
    };
    let bytes = std::fs::read(path).map_err(|e| format!("reading the model {}: {e}", path.display()))?;
    let tagger = load_model(&bytes, &path.display().to_string(), &project.schema).map_err(|e| e.to_string())?;
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let about = file_base(&name, &bytes, &tagger);
    Ok((tagger, about))
}

/// The model's file name in the annotations folder.
pub const MODEL_FILE: &str = "project-model.bin";

/// Where a project keeps its model.
pub fn model_path(project: &Project) -> PathBuf {
    project.annotations.join(MODEL_FILE)
}

/// The project model for the documents marked done now, continued from
/// `base` ([`base_model`]): the one on disk when it was trained on exactly
/// them from this base (with the name ends they teach learned and saved
/// when it has none, as a model saved in format 2), else a new one,
/// trained and saved. `None` when no
/// document is done. `progress(done, total)` counts training steps.
pub fn build(project: &Project, base: &(Tagger, BaseModel), progress: impl FnMut(usize, usize)) -> Result<Option<Tagger>, String> {
    let (ds, _) = project.export(ExportOptions { done_only: true, include_suggestions: false }, |_| {}).map_err(|e| e.to_string())?;
    let datasets = [ds];
    let examples = examples_from(&datasets);
    if examples.is_empty() {
        return Ok(None);
    }
    let path = model_path(project);
    let digest = corpus_digest(&examples);
    if let Ok(bytes) = std::fs::read(&path)
        && let Ok(mut kept) = Tagger::from_bytes(&bytes)
        && kept.training_info().corpus_sha256 == digest
        && kept.training_info().base.as_ref().is_some_and(|b| b == &base.1)
    {
        // A model saved before name ends were kept (format 2) has none:
        // they are learned from the done documents now (one pass, no
        // training), and the file saved again, atomically, when there are
        // some (without, its bytes would not change).
        if kept.name_ends().is_empty() {
            let ends = name_ends_taught(&kept, &datasets);
            if !ends.is_empty() {
                kept.set_name_ends(ends);
                write_atomic(&path, &kept.to_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
        return Ok(Some(kept));
    }
    let tagger = train_model(&datasets, Some((&base.0, base.1.clone())), &TrainOptions::continuing(), progress);
    write_atomic(&path, &tagger.to_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Some(tagger))
}
